using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The generic layout: <c>root/images/*</c> and <c>root/masks/*</c> paired by file stem
/// (a mask may also be named <c>&lt;stem&gt;_mask</c>).
/// </summary>
/// <remarks>
/// Binary by default: any nonzero mask pixel is "foreground". With <c>multiClass</c> the stored
/// values are the class ids; names come from <c>root/classes.txt</c> (one per line, by id) or,
/// without it, from one scan of all masks for the largest id.
/// </remarks>
public sealed class PairedFolderDataset : ISegmentationDataset
{
    public const string ClassesFile = "classes.txt";

    private readonly string _root;
    private readonly bool _multiClass;
    private readonly SampleInfo[] _samples;
    private readonly MaskFinder _masks;
    private readonly Lazy<IReadOnlyList<string>> _classNames;

    public PairedFolderDataset(string root, bool multiClass = false)
    {
        _root = Path.GetFullPath(root);
        _multiClass = multiClass;
        string images = Path.Combine(_root, "images");
        string masks = Path.Combine(_root, "masks");
        SampleLoader.ThrowIfNoDirectory(images, "the paired layout needs images/ and masks/");
        SampleLoader.ThrowIfNoDirectory(masks, "the paired layout needs images/ and masks/");

        _samples = ImageFiles.List(images)
            .Select(p => new SampleInfo(Path.GetFileNameWithoutExtension(p), null, p))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, images, $"images ({string.Join("/", ImageFiles.Extensions)})");
        SampleLoader.ThrowIfDuplicateIds(_samples, images);

        _masks = new MaskFinder(masks);
        // Lazy: the scan reads every mask, which only multi-class sets without classes.txt need.
        _classNames = new Lazy<IReadOnlyList<string>>(FindClassNames);
    }

    public string Name => $"paired:{_root}";

    public IReadOnlyList<string> ClassNames => _classNames.Value;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        return SampleLoader.Load(s.Id, s.Source, () =>
        {
            string mask = _masks.Find(s.Id, s.Source);
            return _multiClass ? ImageIo.ReadLabels(mask) : ImageIo.ReadMask(mask);
        });
    }

    private IReadOnlyList<string> FindClassNames()
    {
        if (!_multiClass)
        {
            return ["background", "foreground"];
        }

        string classesPath = Path.Combine(_root, ClassesFile);
        if (File.Exists(classesPath))
        {
            string[] names = File.ReadAllLines(classesPath).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            // Line 0 is class 0; a file that lists only the foreground classes gets background prepended.
            return names.Length > 0 && names[0].Equals("background", StringComparison.OrdinalIgnoreCase)
                ? names
                : ["background", .. names];
        }

        int maxId = ScanMaxClassId();
        return ["background", .. Enumerable.Range(1, Math.Max(1, maxId)).Select(i => $"class{i}")];
    }

    private int ScanMaxClassId()
    {
        int maxId = 0;
        foreach (string path in _masks.AllMasks)
        {
            try
            {
                using Mat labels = ImageIo.ReadLabels(path);
                Cv2.MinMaxLoc(labels, out double _, out double max);
                maxId = Math.Max(maxId, (int)max);
            }
            catch (DatasetException)
            {
                // A broken mask must not stop opening the set; DatasetValidator reports it per sample.
            }
        }

        return maxId;
    }
}
