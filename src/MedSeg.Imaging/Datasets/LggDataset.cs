using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The Kaggle LGG brain MRI set (lgg-mri-segmentation/kaggle_3m): one folder per patient
/// holding <c>&lt;case&gt;_&lt;slice&gt;.tif</c> with <c>&lt;case&gt;_&lt;slice&gt;_mask.tif</c> beside it.
/// The patient folder is the sample's group, so splits keep a patient's slices together.
/// </summary>
public sealed class LggDataset : ISegmentationDataset
{
    /// <summary>The folder the Kaggle archive unpacks to; root may point at it or at its parent.</summary>
    public const string KaggleFolder = "kaggle_3m";

    private const string MaskSuffix = "_mask";
    private readonly string _root;
    private readonly SampleInfo[] _samples;

    public LggDataset(string root)
    {
        string full = Path.GetFullPath(root);
        string nested = Path.Combine(full, KaggleFolder);
        _root = Directory.Exists(nested) ? nested : full;
        SampleLoader.ThrowIfNoDirectory(_root, "the LGG layout needs one folder per patient");

        _samples = ImageFiles.ListDirectories(_root)
            .SelectMany(patient => ImageFiles.List(patient, "*.tif")
                .Where(p => !IsMask(p))
                .Select(p => new SampleInfo(Path.GetFileNameWithoutExtension(p), Path.GetFileName(patient), p)))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, _root, "patient folders with *.tif slices");
        SampleLoader.ThrowIfDuplicateIds(_samples, _root);
    }

    public string Name => $"lgg:{_root}";

    public IReadOnlyList<string> ClassNames { get; } = ["background", "tumor"];

    /// <summary>Each sample reads its own files.</summary>
    public bool ConcurrentLoads => true;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        string mask = Path.Combine(Path.GetDirectoryName(s.Source)!, s.Id + MaskSuffix + Path.GetExtension(s.Source));
        return SampleLoader.Load(s.Id, s.Source, () => ImageIo.ReadMask(mask));
    }

    internal static bool IsMask(string path) =>
        Path.GetFileNameWithoutExtension(path).EndsWith(MaskSuffix, StringComparison.Ordinal);
}
