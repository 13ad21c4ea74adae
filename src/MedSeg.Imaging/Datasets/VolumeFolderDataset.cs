using System.IO.Compression;
using System.Text.Json;
using MedSeg.Imaging.Formats.Nifti;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// The Medical Segmentation Decathlon / nnU-Net layout: <c>root/imagesTr/CASE.nii.gz</c> (nnU-Net v2:
/// <c>CASE_0000.nii.gz</c>, channel 0) and <c>root/labelsTr/CASE.nii.gz</c>, each pair cut into axial
/// (z) slices as a <see cref="StackPairDataset"/>; one case is one split group, so no patient is on
/// both sides of the split. Class names come from <c>root/dataset.json</c>'s "labels" when it has them.
/// </summary>
/// <remarks>
/// Memory: only the headers are read at open (slice counts, voxel size); one case's volumes are held at a time,
/// opened when a sample of it is loaded. Training, validation and fingerprinting load in index
/// order, so each case is read once per pass. Only a 4-D file's first volume and channel 0 are read.
/// A case whose voxels cannot be read (damaged gzip, short data) fails as a <see cref="DatasetException"/>
/// naming its file when one of its slices loads, never at open. Without dataset.json labels the class ids
/// are the largest over every label volume, read when the class names are first asked for.
/// </remarks>
public sealed class VolumeFolderDataset : ISegmentationDataset, IDisposable
{
    public const string ImagesFolder = "imagesTr";
    public const string LabelsFolder = "labelsTr";
    public const string DescriptionFile = "dataset.json";

    private const string ChannelZero = "_0000";

    private readonly string _root;
    private readonly Case[] _cases;
    private readonly (int Case, int Slice)[] _index;
    private readonly SampleInfo[] _samples;
    private readonly Lazy<IReadOnlyList<string>> _classNames;
    private readonly List<string> _notes = [];
    private readonly Lock _gate = new();
    private (int Case, StackPairDataset Pair)? _open;
    // A case that failed to open fails the same way for each of its slices without being decompressed again.
    private readonly Dictionary<int, DatasetException> _unreadable = [];

    public VolumeFolderDataset(string root)
    {
        _root = Path.GetFullPath(root);
        string images = Path.Combine(_root, ImagesFolder), labels = Path.Combine(_root, LabelsFolder);
        SampleLoader.ThrowIfNoDirectory(images, $"the decathlon layout needs {ImagesFolder}/ and {LabelsFolder}/");
        SampleLoader.ThrowIfNoDirectory(labels, $"the decathlon layout needs {ImagesFolder}/ and {LabelsFolder}/");
        _cases = FindCases(images, labels);
        SampleLoader.ThrowIfEmpty(_cases.Length, images, $"*.nii.gz / *.nii images with a label file of the same case in {LabelsFolder}/");
        _index = _cases.SelectMany((c, i) => Enumerable.Range(0, c.Slices).Select(z => (i, z))).ToArray();
        _samples = _index.Select(x => new SampleInfo($"{_cases[x.Case].Name}/slice-{x.Slice:D4}", _cases[x.Case].Name, $"{_cases[x.Case].Image} z={x.Slice}")).ToArray();
        _classNames = new Lazy<IReadOnlyList<string>>(FindClassNames);
    }

    public string Name => $"decathlon:{_root}";

    public IReadOnlyList<string> ClassNames => _classNames.Value;

    public int Count => _samples.Length;

    /// <summary>The first case's in-plane voxel size from its header (pixdim; the mean of x and y when they differ).</summary>
    public double? Spacing => _cases[0].Spacing > 0 ? _cases[0].Spacing : null;

    public IReadOnlyList<string> Notes
    {
        get
        {
            _ = _classNames.Value;
            return [$"{_cases.Length} cases, {_samples.Length} axial slices, split by case", .. _notes];
        }
    }

    /// <summary>True when <paramref name="root"/> holds imagesTr/ and labelsTr/.</summary>
    public static bool Matches(string root) =>
        Directory.Exists(Path.Combine(root, ImagesFolder)) && Directory.Exists(Path.Combine(root, LabelsFolder));

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        Describe(index);
        var (c, z) = _index[index];
        lock (_gate)
        {
            return PairOf(c).Load(z);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _open?.Pair.Dispose();
            _open = null;
        }
    }

    // One case open at a time: a CT case is tens of MB, a set of them does not fit in memory.
    private StackPairDataset PairOf(int c)
    {
        if (_open is { } open && open.Case == c) return open.Pair;
        _open?.Pair.Dispose();
        _open = null;
        if (_unreadable.TryGetValue(c, out var failed)) throw new DatasetException(failed.Path, failed.Reason, failed);
        Case k = _cases[c];
        // The voxels are first decompressed here, not at open: a damaged case is its slices' problem.
        StackPairDataset pair;
        try
        {
            pair = StackPairDataset.Open($"{StackPairDataset.Prefix}{k.Image}?labels={k.Labels}");
        }
        catch (Formats.MedicalFormatException e)
        {
            throw _unreadable[c] = DatasetException.From(e);
        }
        catch (ArgumentException e)
        {
            throw _unreadable[c] = new DatasetException(k.Image, e.Message, e); // image and labels do not pair
        }
        if (pair.Count != k.Slices)
        {
            pair.Dispose();
            throw new DatasetException(k.Image, $"has {pair.Count} slices now but {k.Slices} when the set was opened");
        }
        _open = (c, pair);
        return pair;
    }

    private Case[] FindCases(string images, string labels)
    {
        string? LabelOf(string name) =>
            new[] { ".nii.gz", ".nii" }.Select(ext => Path.Combine(labels, name + ext)).FirstOrDefault(File.Exists);

        var cases = new List<Case>();
        int otherChannels = 0;
        foreach (string image in NiftiFiles(images))
        {
            string stem = NiftiStem(image);
            // MSD names the image as its label (la_003); nnU-Net v2 adds the channel (la_003_0000).
            string name = LabelOf(stem) is null && stem.EndsWith(ChannelZero, StringComparison.Ordinal) ? stem[..^ChannelZero.Length] : stem;
            if (LabelOf(name) is { } label)
            {
                NiftiHeader header = ReadHeader(image);
                cases.Add(new Case(name, image, label, header.Dims[2], (header.PixDims[1] + header.PixDims[2]) / 2.0));
            }
            else if (HasChannelSuffix(stem) && LabelOf(stem[..^5]) is not null) otherChannels++;
            else _notes.Add($"skipped {Path.GetFileName(image)}: no {name}.nii.gz in {LabelsFolder}/");
        }
        if (otherChannels > 0) _notes.Add($"{otherChannels} file(s) of channels other than 0 (_0001, ...) not read: one channel per case");
        return cases.ToArray();
    }

    private IReadOnlyList<string> FindClassNames()
    {
        if (ReadLabelNames(Path.Combine(_root, DescriptionFile)) is { } named) return named;
        // No names: the largest id over every case, which reads each label volume once (on first use, not at open).
        int classes = 1, unreadable = 0;
        for (int c = 0; c < _cases.Length; c++)
        {
            try
            {
                lock (_gate) classes = Math.Max(classes, PairOf(c).ClassNames.Count - 1);
            }
            catch (DatasetException)
            {
                unreadable++; // its slices fail by name when loaded; the validator lists them
            }
        }
        if (unreadable > 0) _notes.Add($"{unreadable} case(s) unreadable: not counted for class ids");
        _notes.Add($"no {DescriptionFile} labels: classes named by id (class1..class{classes})");
        return ["background", .. Enumerable.Range(1, classes).Select(static i => $"class{i}")];
    }

    /// <summary>"labels" of dataset.json: MSD's {"0": "background", "1": "tumour"} or nnU-Net v2's {"background": 0, "tumour": 1}.</summary>
    private IReadOnlyList<string>? ReadLabelNames(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("labels", out JsonElement labels) || labels.ValueKind != JsonValueKind.Object) return null;
            var byId = new SortedDictionary<int, string>();
            foreach (JsonProperty p in labels.EnumerateObject())
            {
                if (int.TryParse(p.Name, out int id) && p.Value.ValueKind == JsonValueKind.String) byId[id] = p.Value.GetString()!;
                else if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out id)) byId[id] = p.Name;
                else
                {
                    // nnU-Net v2 regions ("whole tumour": [1, 2, 3]) are overlapping targets, not one id per pixel.
                    _notes.Add($"{DescriptionFile}: label '{p.Name}' is not one id; classes named by id");
                    return null;
                }
            }
            if (byId.Count == 0 || byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1)
            {
                _notes.Add($"{DescriptionFile}: label ids {string.Join(", ", byId.Keys)} are not 0..N; classes named by id");
                return null;
            }
            _notes.Add($"class names from {DescriptionFile}: {string.Join(", ", byId.Select(kv => $"{kv.Key} {kv.Value}"))}");
            return byId.Values.ToArray();
        }
        catch (JsonException e)
        {
            throw new DatasetException(path, $"not valid JSON: {e.Message}");
        }
    }

    private static IEnumerable<string> NiftiFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && (f.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".nii", StringComparison.OrdinalIgnoreCase)))
            .Order(Io.NaturalStringComparer.Instance);

    private static string NiftiStem(string path)
    {
        string name = Path.GetFileName(path);
        return name[..name.LastIndexOf(".nii", StringComparison.OrdinalIgnoreCase)];
    }

    private static bool HasChannelSuffix(string stem) =>
        stem.Length > 5 && stem[^5] == '_' && stem[^4..].All(char.IsAsciiDigit);

    private static NiftiHeader ReadHeader(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            var head = new byte[NiftiHeader.Size];
            stream.ReadExactly(head);
            return NiftiHeader.Parse(head, path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or EndOfStreamException)
        {
            throw new Formats.MedicalFormatException(path, $"cannot read its NIfTI header: {e.Message}", null, e);
        }
    }

    private sealed record Case(string Name, string Image, string Labels, int Slices, double Spacing);
}
