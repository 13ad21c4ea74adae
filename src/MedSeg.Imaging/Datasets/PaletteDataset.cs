using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Colour-coded masks: <c>root/images/*</c>, <c>root/masks/*</c> (or the other names of <see cref="PairedFolders"/>; RGB, paired by stem as in
/// <see cref="PairedFolderDataset"/>) and <c>root/palette.txt</c> mapping each colour to a class.
/// </summary>
public sealed class PaletteDataset : ISegmentationDataset
{
    public const string PaletteFile = "palette.txt";

    private readonly string _root;
    private readonly SampleInfo[] _samples;
    private readonly MaskFinder _masks;
    private readonly Palette _palette;

    public PaletteDataset(string root)
    {
        _root = Path.GetFullPath(root);
        SampleLoader.ThrowIfNoDirectory(_root, $"the palette layout needs {PairedFolders.Described} and palette.txt");
        var (images, masks) = PairedFolders.Require(_root, "palette");
        _palette = Palette.Load(Path.Combine(_root, PaletteFile));

        _samples = ImageFiles.List(images)
            .Select(p => new SampleInfo(Path.GetFileNameWithoutExtension(p), null, p))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, images, $"images ({string.Join("/", ImageFiles.Extensions)})");
        SampleLoader.ThrowIfDuplicateIds(_samples, images);
        _masks = new MaskFinder(masks);
    }

    public string Name => $"palette:{_root}";

    public IReadOnlyList<string> ClassNames => _palette.ClassNames;

    /// <summary>Each sample reads its own files.</summary>
    public bool ConcurrentLoads => true;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        return SampleLoader.Load(s.Id, s.Source, () =>
        {
            string maskPath = _masks.Find(s.Id, s.Source);
            using Mat colour = ImageIo.ReadRaw(maskPath);
            return _palette.ToClassIds(colour, maskPath);
        });
    }
}
