using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The 2018 Data Science Bowl nuclei set (stage1_train): <c>root/&lt;id&gt;/images/&lt;id&gt;.png</c>
/// and one PNG per nucleus in <c>root/&lt;id&gt;/masks/</c>, united here into class "nucleus".
/// </summary>
/// <remarks>The images are RGBA PNGs; <see cref="ImageIo.Read"/> drops the alpha channel.</remarks>
public sealed class DataScienceBowlDataset : ISegmentationDataset
{
    /// <summary>The folder the Kaggle archive unpacks to; root may point at it or at its parent.</summary>
    public const string StageFolder = "stage1_train";

    private readonly string _root;
    private readonly SampleInfo[] _samples;

    public DataScienceBowlDataset(string root)
    {
        string full = Path.GetFullPath(root);
        string nested = Path.Combine(full, StageFolder);
        _root = Directory.Exists(nested) ? nested : full;
        SampleLoader.ThrowIfNoDirectory(_root, "the dsb2018 layout needs one folder per image");

        _samples = ImageFiles.ListDirectories(_root)
            .Where(d => Directory.Exists(Path.Combine(d, "images")))
            .Select(d => new SampleInfo(Path.GetFileName(d), null, ImagePathOf(d)))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, _root, "<id>/images/<id>.png folders");
    }

    public string Name => $"dsb2018:{_root}";

    public IReadOnlyList<string> ClassNames { get; } = ["background", "nucleus"];

    /// <summary>Each sample reads its own files.</summary>
    public bool ConcurrentLoads => true;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        string masks = Path.Combine(_root, s.Id, "masks");
        return SampleLoader.Load(s.Id, s.Source, () =>
        {
            IReadOnlyList<string> nuclei = ImageFiles.List(masks, "*.png");
            if (nuclei.Count == 0)
            {
                throw new DatasetException(masks, "mask missing: no nucleus PNGs in masks/");
            }

            return SampleLoader.Union(nuclei);
        });
    }

    // The image is named after its folder; a renamed one is still used if it is alone there.
    private static string ImagePathOf(string sampleDir)
    {
        string images = Path.Combine(sampleDir, "images");
        string expected = Path.Combine(images, Path.GetFileName(sampleDir) + ".png");
        if (File.Exists(expected))
        {
            return expected;
        }

        IReadOnlyList<string> found = ImageFiles.List(images);
        return found.Count == 1 ? found[0] : expected;
    }
}
