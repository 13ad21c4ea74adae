using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The generic layout: <c>root/images/*</c> and <c>root/masks/*</c> paired by file stem
/// (a mask may also be named <c>&lt;stem&gt;_mask</c>, <c>_seg</c> or <c>_label</c>; see <see cref="MaskFinder"/>).
/// The folders may carry any of the names tutorials use (<see cref="PairedFolders"/>: image/ + label/,
/// img/ + gt/, x/ + y/, ...).
/// </summary>
/// <remarks>
/// Binary by default: any nonzero mask pixel is "foreground". With <c>multiClass</c> the stored
/// values are the class ids; names come from <c>root/classes.txt</c> (<see cref="ClassNamesFile"/>:
/// one per line, by id, line 1 = id 0 = background), checked against one scan of all masks, or,
/// without it, from that scan's largest id. Masks that hold only 0 and 255 with a file naming one
/// foreground class are read as binary masks.
/// </remarks>
public sealed class PairedFolderDataset : ISegmentationDataset
{
    public const string ClassesFile = ClassNamesFile.FileName;

    private readonly string _root;
    private readonly bool _multiClass;
    private readonly SampleInfo[] _samples;
    private readonly MaskFinder _masks;
    private readonly Lazy<ClassResolution> _classes;

    public PairedFolderDataset(string root, bool multiClass = false)
    {
        _root = Path.GetFullPath(root);
        _multiClass = multiClass;
        SampleLoader.ThrowIfNoDirectory(_root, $"the paired layout needs {PairedFolders.Described}");
        var (images, masks) = PairedFolders.Require(_root, "paired");

        _samples = ImageFiles.List(images)
            .Select(p => new SampleInfo(Path.GetFileNameWithoutExtension(p), null, p))
            .ToArray();
        SampleLoader.ThrowIfEmpty(_samples.Length, images, $"images ({string.Join("/", ImageFiles.Extensions)})");
        SampleLoader.ThrowIfDuplicateIds(_samples, images);

        _masks = new MaskFinder(masks);
        // Lazy: the scan reads every mask, which only multi-class sets without classes.txt need.
        _classes = new Lazy<ClassResolution>(FindClassNames);
    }

    public string Name => $"paired:{_root}";

    public IReadOnlyList<string> ClassNames => _classes.Value.Names;

    public IReadOnlyList<string> Notes => _classes.Value.Notes;

    /// <summary>Each sample reads its own files.</summary>
    public bool ConcurrentLoads => true;

    public int Count => _samples.Length;

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        return SampleLoader.Load(s.Id, s.Source, () =>
        {
            string mask = _masks.Find(s.Id, s.Source);
            return _multiClass && !_classes.Value.BinaryMasks ? ImageIo.ReadLabels(mask) : ImageIo.ReadMask(mask);
        });
    }

    private ClassResolution FindClassNames()
    {
        if (!_multiClass) return new ClassResolution(["background", "foreground"], []);

        long[] pixels = CountPixelsPerId();
        string classesPath = Path.Combine(_root, ClassesFile);
        if (!File.Exists(classesPath))
        {
            int maxId = Array.FindLastIndex(pixels, static c => c > 0);
            return new ClassResolution(["background", .. Enumerable.Range(1, Math.Max(1, maxId)).Select(static i => $"class{i}")],
                [$"no {ClassesFile}: classes named by id (class1..class{Math.Max(1, maxId)})"]);
        }

        var lines = ClassNamesFile.Read(classesPath);
        bool onlyZeroAnd255 = pixels[255] > 0 && pixels.AsSpan(1, 254).IndexOfAnyExcept(0L) < 0;
        if (onlyZeroAnd255 && lines.Count <= 2)
        {
            // A visible 0/255 mask with one class named: binary, whether or not background has a line.
            string name = lines[^1];
            return new ClassResolution(["background", name], [$"masks hold only 0 and 255: read as binary, 255 = '{name}'"]) { BinaryMasks = true };
        }
        return ClassNamesFile.Resolve(classesPath, lines, pixels);
    }

    private long[] CountPixelsPerId()
    {
        // One read of every mask, on every core (at most four masks decoded at once).
        var pixels = new long[256];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 4) };
        Parallel.ForEach(_masks.AllMasks.ToArray(), parallel, static () => new long[256], static (path, _, counts) =>
        {
            try
            {
                using Mat labels = ImageIo.ReadLabels(path);
                foreach (byte id in labels.AsSpan<byte>()) counts[id]++;
            }
            catch (DatasetException)
            {
                // A broken mask must not stop opening the set; DatasetValidator reports it per sample.
            }
            return counts;
        }, counts =>
        {
            lock (pixels)
            {
                for (int id = 0; id < counts.Length; id++) pixels[id] += counts[id];
            }
        });

        return pixels;
    }
}
