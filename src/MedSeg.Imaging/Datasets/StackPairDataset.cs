using System.Globalization;
using MedSeg.Core.Specs;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Tiff;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// An image stack and a label stack on the same grid, cut into 2-D samples slice by slice:
/// <c>stack-pair:IMG?labels=LBL[&amp;axis=z][&amp;threshold=T][&amp;slices=A-B][&amp;block=N]</c>, where
/// each stack is a NIfTI volume, a multi-page TIFF (ISBI 2012's train-volume.tif + train-labels.tif)
/// or a DICOM series folder (<see cref="SliceStacks"/>). <c>nifti-pair:</c> is the older name.
/// </summary>
/// <remarks>
/// With <c>threshold</c> the mask is binary (label &gt; T, e.g. a brain-extracted copy &gt; 0 is the
/// brain). Without it, labels holding only 0 and 255 are a binary mask (255 = foreground, as
/// ISBI's cell / membrane labels), and other label values are class ids (at most 255; named
/// class1..classN). Slices are grouped in contiguous blocks of <c>block</c> slices, and the split
/// holds out whole groups, so a validation slice's immediate neighbours are not in training
/// (except across a block border). <c>slices</c> keeps an inclusive index range, e.g. to leave out
/// empty slices or to name a held-out range for `eval`. Both stacks are read once into memory.
/// </remarks>
public sealed class StackPairDataset : ISegmentationDataset, IDisposable
{
    public const string Prefix = "stack-pair:";

    /// <summary>The first name of this reader (NIfTI only then); it keeps its old default block of 10.</summary>
    public const string NiftiPrefix = "nifti-pair:";

    private const int LegacyBlock = 10;

    private readonly ISliceStack _image;
    private readonly ISliceStack _labels;
    private readonly string _labelsPath;
    private readonly double? _threshold;
    private readonly SampleInfo[] _samples;
    private readonly int[] _slice;
    private readonly Lazy<LabelValues> _values;

    private StackPairDataset(string name, ISliceStack image, ISliceStack labels, string labelsPath, double? threshold, int first, int last, int block)
    {
        Name = name;
        _image = image;
        _labels = labels;
        _labelsPath = labelsPath;
        _threshold = threshold;
        _slice = Enumerable.Range(first, last - first + 1).ToArray();
        _samples = _slice.Select(z => new SampleInfo($"slice-{z:D4}", $"block-{z / block:D4}", _image.NameOf(z))).ToArray();
        Block = block;
        // Lazy: the scan reads every label slice, which Load and ClassNames need but Describe does not.
        _values = new Lazy<LabelValues>(ScanLabels);
    }

    public string Name { get; }

    /// <summary>Slices per split group.</summary>
    public int Block { get; }

    public IReadOnlyList<string> ClassNames => _values.Value.Names;

    public int Count => _samples.Length;

    /// <summary>The image stack's in-plane spacing (the mean of row and column spacing when they differ); TIFF states none.</summary>
    public double? Spacing => _image.GeometryOf(_slice[0]) is { IsKnown: true } g ? (g.ColumnSpacing + g.RowSpacing) / 2 : null;

    public IReadOnlyList<string> Notes =>
    [
        $"{_image.Description}; labels {_labels.Description}; slices {_slice[0]}..{_slice[^1]}, split by blocks of {Block} contiguous slices",
        .. _values.Value.Notes,
        .. _image.Skipped.Concat(_labels.Skipped).Select(static s => $"skipped {s.Item}: {s.Reason}"),
    ];

    /// <summary>True when <paramref name="spec"/> starts with <see cref="Prefix"/> or <see cref="NiftiPrefix"/>.</summary>
    public static bool IsSpec(string spec) =>
        spec.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || spec.StartsWith(NiftiPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens a whole spec, <c>stack-pair:IMG?labels=LBL&amp;...</c> or <c>nifti-pair:...</c>.</summary>
    /// <exception cref="ArgumentException">An unknown or malformed option, or stacks that do not pair.</exception>
    /// <exception cref="MedicalFormatException">A stack cannot be read.</exception>
    public static StackPairDataset Open(string spec)
    {
        bool legacy = spec.StartsWith(NiftiPrefix, StringComparison.OrdinalIgnoreCase);
        string prefix = legacy ? NiftiPrefix : Prefix;
        string scheme = prefix.TrimEnd(':');
        var (imagePath, query) = SpecQuery.Split(scheme, spec[prefix.Length..]);
        string? labelsPath = query.GetString("labels");
        int axis = query.GetChoice("axis", ("x", 0), ("y", 1), ("z", 2), ("0", 0), ("1", 1), ("2", 2)) ?? 2;
        double? threshold = query.Get<double>("threshold");
        int? block = query.Get<int>("block");
        int first = 0, last = int.MaxValue;
        if (query.GetString("slices") is { } slices)
        {
            string[] range = slices.Split('-', 2);
            if (range.Length != 2 || !int.TryParse(range[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out first)
                || !int.TryParse(range[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out last))
                throw query.Invalid("slices", slices, "expected FIRST-LAST, e.g. 20-150");
        }
        query.EnsureConsumed("labels", "axis", "threshold", "slices", "block");
        if (labelsPath is null) throw new ArgumentException($"{scheme} needs a label stack: {Prefix}IMG?labels=LBL (each {SliceStacks.Accepted})");
        if (block < 1) throw query.Invalid("block", block.Value.ToString(CultureInfo.InvariantCulture), "must be ≥ 1");

        ISliceStack image = SliceStacks.Open(imagePath, axis);
        ISliceStack? labels = null;
        try
        {
            labels = SliceStacks.Open(labelsPath, axis);
            ThrowIfUnpaired(imagePath, image, labelsPath, labels, axis);
            last = Math.Min(last, image.Count - 1);
            if (first < 0 || first > last) throw new ArgumentException($"{scheme} slices {first}-{last}: the stack has slices 0-{image.Count - 1}");
            int count = last - first + 1;
            // At least ~10 groups, so a small stack (ISBI's 30 pages) does not hold out a third of itself.
            int chosen = block ?? (legacy ? LegacyBlock : Math.Clamp(count / 10, 1, LegacyBlock));
            return new StackPairDataset(spec, image, labels, labelsPath, threshold, first, last, chosen);
        }
        catch
        {
            image.Dispose();
            labels?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The spec of the one image/label stack pair in <paramref name="folder"/> named as ISBI 2012
    /// names them (<c>train-volume.tif</c> + <c>train-labels.tif</c>; also <c>_volume</c>/<c>_labels</c>),
    /// or null when it holds none.
    /// </summary>
    /// <exception cref="DatasetException">More than one such pair: which one is meant is the user's call.</exception>
    public static string? FindInFolder(string folder)
    {
        var pairs = new List<(string Image, string Labels)>();
        foreach (string file in Directory.EnumerateFiles(folder).Where(SliceStacks.IsStackFile).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            foreach (string volume in new[] { "-volume.", "_volume." })
            {
                int at = name.IndexOf(volume, StringComparison.OrdinalIgnoreCase);
                string labels = at < 0 ? "" : Path.Combine(folder, name[..at] + volume[0] + "labels." + name[(at + volume.Length)..]);
                if (at > 0 && File.Exists(labels)) pairs.Add((file, labels));
            }
        }
        if (pairs.Count > 1)
            throw new DatasetException(folder, $"ambiguous stack pairs: {string.Join(", ", pairs.Select(p => Path.GetFileName(p.Image) + " + " + Path.GetFileName(p.Labels)))}; pass one as {Prefix}IMG?labels=LBL");
        return pairs.Count == 1 ? $"{Prefix}{pairs[0].Image}?labels={pairs[0].Labels}" : null;
    }

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        int z = _slice[index];
        try
        {
            Mat image = ReadSlice(_image, z);
            try
            {
                using Mat raw = ReadSlice(_labels, z);
                return new LabeledImage(s.Id, image, ToMask(raw, _labels.NameOf(z)));
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        catch (MedicalFormatException e)
        {
            throw DatasetException.From(e);
        }
    }

    public void Dispose()
    {
        _image.Dispose();
        _labels.Dispose();
    }

    private static void ThrowIfUnpaired(string imagePath, ISliceStack image, string labelsPath, ISliceStack labels, int axis)
    {
        // A skipped TIFF page shifts every later page by one: image page k would meet label page k+1.
        foreach (var (path, stack) in new[] { (imagePath, image), (labelsPath, labels) })
        {
            if (stack is TiffStack && stack.Skipped.Count > 0)
                throw new ArgumentException($"{path}: {stack.Skipped.Count} page(s) skipped ({stack.Skipped[0].Item}: {stack.Skipped[0].Reason}); image and label pages pair by position, so every page must be usable");
        }
        if (labels.Format == Core.Frames.PixelFormat.Bgr24)
            throw new ArgumentException($"{labelsPath}: labels are colour ({labels.Description}); a label stack holds one value per pixel");
        if (image.Width != labels.Width || image.Height != labels.Height || image.Count != labels.Count)
            throw new ArgumentException($"{labelsPath} is {labels.Width}×{labels.Height}×{labels.Count} along {"xyz"[axis]} but {imagePath} is {image.Width}×{image.Height}×{image.Count}: the stacks must share one grid");
    }

    private Mat ToMask(Mat raw, string source)
    {
        using var values = new Mat();
        raw.ConvertTo(values, MatType.CV_32FC1);
        var mask = new Mat();
        double? threshold = _threshold ?? (_values.Value.ZeroAnd255 ? 0 : null);
        if (threshold is { } t)
        {
            Cv2.Threshold(values, values, t, 1, ThresholdTypes.Binary);
            values.ConvertTo(mask, MatType.CV_8UC1);
            return mask;
        }
        Cv2.MinMaxLoc(values, out double min, out double max);
        if (min < 0 || max > 255)
        {
            mask.Dispose();
            throw new DatasetException(source, $"label values {min}..{max} are not class ids 0..255: pass threshold=T for a binary mask (label > T)");
        }
        values.ConvertTo(mask, MatType.CV_8UC1);
        return mask;
    }

    private LabelValues ScanLabels()
    {
        if (_threshold is { } t) return new LabelValues(["background", "foreground"], [$"labels > {t.ToString(CultureInfo.InvariantCulture)} are the foreground"], false);
        double maxId = 0;
        var pixels = new long[256];
        using var ids = new Mat();
        foreach (int z in _slice)
        {
            using Mat raw = ReadSlice(_labels, z);
            Cv2.MinMaxLoc(raw, out double min, out double max);
            maxId = Math.Max(maxId, max);
            if (min < 0 || max > 255) continue; // Load refuses this slice, saying threshold=T
            raw.ConvertTo(ids, MatType.CV_8UC1);
            foreach (byte id in ids.AsSpan<byte>()) pixels[id]++;
        }
        if (maxId == 255 && pixels.AsSpan(1, 254).IndexOfAnyExcept(0L) < 0)
            return new LabelValues(["background", "foreground"], ["labels hold only 0 and 255: read as binary, 255 = foreground"], true);
        int classes = (int)Math.Clamp(maxId, 1, 255);
        int distinct = pixels.Count(static c => c > 0);
        // A grey image given as labels reads as a couple of hundred "classes": say so, since it trains without error.
        string[] notes = distinct > 64
            ? [$"labels hold {distinct} distinct values: read as class ids 0..{classes}; if {_labelsPath} is an image or a probability map, pass threshold=T"]
            : [];
        return new LabelValues(["background", .. Enumerable.Range(1, classes).Select(static i => $"class{i}")], notes, false);
    }

    // Decoded straight into the Mat's packed pixels: no per-slice buffer and second copy.
    private static Mat ReadSlice(ISliceStack stack, int z)
    {
        var mat = new Mat(stack.Height, stack.Width, MatPixels.TypeOf(stack.Format));
        try
        {
            stack.Read(z, mat.AsSpan<byte>());
            return mat;
        }
        catch
        {
            mat.Dispose();
            throw;
        }
    }

    /// <summary>What one scan of the label slices found: class names, what was assumed, and whether 0/255 masks are binary.</summary>
    private sealed record LabelValues(IReadOnlyList<string> Names, IReadOnlyList<string> Notes, bool ZeroAnd255);
}
