using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The Montgomery County chest X-ray set: <c>root/CXR_png/*.png</c> with lung masks in
/// <c>root/ManualMask/leftMask/</c> and <c>root/ManualMask/rightMask/</c> under the same name.
/// Both lungs are one class, "lung".
/// </summary>
/// <remarks>One image per patient, so samples carry no group and splits are random.</remarks>
public sealed class MontgomeryDataset : ISegmentationDataset
{
    private readonly string _root;
    private readonly SampleInfo[] _samples;

    public MontgomeryDataset(string root)
    {
        _root = Path.GetFullPath(root);
        string images = Path.Combine(_root, "CXR_png");
        SampleLoader.ThrowIfNoDirectory(images, "the Montgomery layout keeps its X-rays in CXR_png/");
        SampleLoader.ThrowIfNoDirectory(Path.Combine(_root, "ManualMask"), "the Montgomery layout keeps its masks in ManualMask/");

        _samples = ImageFiles.List(images, "*.png")
            .Select(p => new SampleInfo(Path.GetFileNameWithoutExtension(p), null, p))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, images, "*.png X-rays");
    }

    public string Name => $"montgomery:{_root}";

    public IReadOnlyList<string> ClassNames { get; } = ["background", "lung"];

    /// <summary>Each sample reads its own files.</summary>
    public bool ConcurrentLoads => true;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        string name = Path.GetFileName(s.Source);
        string left = Path.Combine(_root, "ManualMask", "leftMask", name);
        string right = Path.Combine(_root, "ManualMask", "rightMask", name);
        return SampleLoader.Load(s.Id, s.Source, () => SampleLoader.Union([left, right]));
    }
}
