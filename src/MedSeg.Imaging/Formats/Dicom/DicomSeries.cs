using MedSeg.Core.Frames;
using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>
/// A DICOM series as a slice stack: one file (single- or multi-frame) or a folder of files,
/// in anatomical order, in output units (Hounsfield units for CT).
/// </summary>
/// <remarks>
/// Order: by Image Position (Patient) projected on the slice normal (row × column cosines of
/// Image Orientation) when every file has both; else by Instance Number; else by file name
/// (natural order). Frames of a multi-frame file follow in file order.
/// Sizes: the most common (Rows, Columns, samples, bits) wins; files of any other size are
/// skipped and listed in <see cref="Skipped"/>, as are files that are not readable DICOM images.
/// Format: 8-bit unscaled → Gray8, 16-bit unscaled → Gray16 / Int16, rescaled integers → Int16
/// when every value fits (scanning the pixels if the declared range does not), else Float32;
/// 8-bit RGB → Bgr24. MONOCHROME1 values are kept as stored (bright = low); see <see cref="Photometric"/>.
/// </remarks>
public sealed class DicomSeries : ISliceStack
{
    private readonly DicomImageInfo[] _files;
    private readonly (int File, int Frame)[] _slices;
    private readonly byte[] _raw;
    private readonly FrameGeometry[] _geometry;

    private DicomSeries(string path, DicomImageInfo[] files, List<SkippedItem> skipped, string order)
    {
        _files = files;
        _slices = files.SelectMany((f, i) => Enumerable.Range(0, f.Frames).Select(k => (i, k))).ToArray();
        Skipped = skipped;
        Order = order;
        var first = files[0];
        (Width, Height) = (first.Columns, first.Rows);
        Format = first.SamplesPerPixel == 3 ? PixelFormat.Bgr24 : ChooseFormat(files);
        Window = first.Window;
        Photometric = first.Photometric;
        Modality = first.Modality;
        _raw = new byte[first.FrameBytes];
        _geometry = DicomGeometry.Of(files, order == ByPosition);
        Description = $"DICOM {(Modality.Length > 0 ? Modality + " " : "")}{Path.GetFileName(path.TrimEnd('/', '\\'))} " +
                      $"{Width}×{Height}×{Count} {Format}{(IsHounsfield ? " (HU)" : "")}, {order}" +
                      (skipped.Count > 0 ? $", {skipped.Count} skipped" : "");
    }

    public string Description { get; }
    public int Count => _slices.Length;
    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }
    public DisplayWindow? Window { get; }
    public IReadOnlyList<SkippedItem> Skipped { get; }
    /// <summary>How the slices were ordered: "by position along the normal", "by Instance Number" or "by file name".</summary>
    public string Order { get; }
    public string Modality { get; }
    public string Photometric { get; }
    /// <summary>The headers of the files kept, in playing order.</summary>
    public IReadOnlyList<DicomImageInfo> Files => _files;
    /// <summary>CT pixels are in Hounsfield units: the modality rescale has been applied.</summary>
    public bool IsHounsfield => Modality == "CT";

    /// <summary>Opens a file or every file directly in a folder (hidden files ignored).</summary>
    /// <exception cref="MedicalFormatException">Nothing usable: the message lists why the files were refused.</exception>
    public static DicomSeries Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path)) return new DicomSeries(path, [DicomFile.ReadHeader(path)], [], "file order");
        if (!Directory.Exists(path)) throw new MedicalFormatException(path, "no such file or folder");

        var skipped = new List<SkippedItem>();
        var headers = new List<DicomImageInfo>();
        foreach (string file in Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            try { headers.Add(DicomFile.ReadHeader(file)); }
            catch (MedicalFormatException e) { skipped.Add(new SkippedItem(file, e.Offset is { } at ? $"at byte {at}: {e.Reason}" : e.Reason)); }
        }
        // A series is the files directly in one folder; subfolders are named, not read and not passed over in silence.
        foreach (string folder in Directory.EnumerateDirectories(path).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
            skipped.Add(new SkippedItem(folder, "a folder: not read (a series is the files directly in one folder)"));
        if (headers.Count == 0)
            throw new MedicalFormatException(path, skipped.Count == 0 ? "folder holds no files" :
                $"no readable DICOM image among {skipped.Count} file(s); first: {skipped[0]}");

        var groups = headers.GroupBy(h => (h.Rows, h.Columns, h.SamplesPerPixel, h.BitsAllocated)).OrderByDescending(g => g.Count()).ToArray();
        var kept = groups[0].ToList();
        if (Core.Limits.InputLimits.Current.FramesProblem(kept.Sum(h => (long)h.Frames)) is { } tooMany)
            throw new MedicalFormatException(path, kept.Count == 1 ? $"{kept[0].Path}: {tooMany}" : $"the series: {tooMany}");
        var size = groups[0].Key;
        foreach (var odd in groups.Skip(1).SelectMany(g => g))
            skipped.Add(new SkippedItem(odd.Path, $"{odd.Columns}×{odd.Rows}×{odd.SamplesPerPixel} at {odd.BitsAllocated} bit differs from the series' {size.Columns}×{size.Rows}×{size.SamplesPerPixel} at {size.BitsAllocated} bit"));
        string order = Sort(kept);
        return new DicomSeries(path, kept.ToArray(), skipped, order);
    }

    public string NameOf(int index)
    {
        var (file, frame) = _slices[index];
        string name = _files[file].Path;
        return _files[file].Frames > 1 ? $"{name} frame {frame}" : name;
    }

    public void Read(int index, Span<byte> destination)
    {
        var (file, frame) = _slices[index];
        var info = _files[file];
        int pixels = Width * Height;
        if (destination.Length < pixels * Format.BytesPerPixel()) throw new ArgumentException("destination is smaller than one slice", nameof(destination));
        DicomFile.ReadFrame(info, frame, _raw);
        if (Format == PixelFormat.Bgr24) RgbToBgr(_raw, info.PlanarConfiguration, pixels, destination);
        else SampleDecoder.Decode(_raw, pixels, info.SampleType, false, info.BitsStored, info.Rescale, Format, destination);
    }

    public FrameGeometry GeometryOf(int index) => _geometry[index];

    public void Dispose() { }

    private const string ByPosition = "sorted by position along the slice normal";

    private static string Sort(List<DicomImageInfo> files)
    {
        var normal = files[0].Normal();
        if (normal is not null && files.All(f => f.Position is not null))
        {
            files.Sort((a, b) => Distance(a, normal).CompareTo(Distance(b, normal)) is var c && c != 0 ? c : ByInstanceThenName(a, b));
            return ByPosition;
        }
        if (files.All(f => f.InstanceNumber is not null))
        {
            files.Sort(ByInstanceThenName);
            return "sorted by Instance Number";
        }
        files.Sort((a, b) => NaturalOrder.Compare(a.Path, b.Path));
        return "sorted by file name";
    }

    private static double Distance(DicomImageInfo f, double[] n) => f.Position![0] * n[0] + f.Position[1] * n[1] + f.Position[2] * n[2];

    private static int ByInstanceThenName(DicomImageInfo a, DicomImageInfo b) =>
        (a.InstanceNumber ?? 0).CompareTo(b.InstanceNumber ?? 0) is var c && c != 0 ? c : NaturalOrder.Compare(a.Path, b.Path);

    private static IComparer<string> NaturalOrder => NaturalStringComparer.Instance;

    // One format for the whole series, so every slice fits the same pooled frame.
    private static PixelFormat ChooseFormat(DicomImageInfo[] files)
    {
        var formats = files.Select(FormatOf).Distinct().ToArray();
        return formats.Length == 1 ? formats[0] : PixelFormat.Float32;
    }

    private static PixelFormat FormatOf(DicomImageInfo f)
    {
        var (min, max) = SampleDecoder.TheoreticalRange(f.SampleType, f.BitsStored);
        var format = f.Rescale.ChooseFormat(f.SampleType, min, max);
        if (format != PixelFormat.Float32 || !f.Rescale.IsInteger) return format;
        // The declared range (e.g. 16 unsigned bits − 1024) overflows Int16, but real CT values
        // rarely use it: look at the actual pixels before giving up 16-bit storage.
        var raw = new byte[f.FrameBytes];
        (double lo, double hi) = (double.PositiveInfinity, double.NegativeInfinity);
        for (int k = 0; k < f.Frames; k++)
        {
            DicomFile.ReadFrame(f, k, raw);
            var (a, b) = SampleDecoder.Range(raw, f.Rows * f.Columns, f.SampleType, false, f.BitsStored);
            (lo, hi) = (Math.Min(lo, a), Math.Max(hi, b));
        }
        return f.Rescale.ChooseFormat(f.SampleType, lo, hi);
    }

    private static void RgbToBgr(ReadOnlySpan<byte> raw, int planar, int pixels, Span<byte> bgr)
    {
        for (int i = 0; i < pixels; i++)
        {
            if (planar == 0) (bgr[3 * i], bgr[3 * i + 1], bgr[3 * i + 2]) = (raw[3 * i + 2], raw[3 * i + 1], raw[3 * i]);
            else (bgr[3 * i], bgr[3 * i + 1], bgr[3 * i + 2]) = (raw[2 * pixels + i], raw[pixels + i], raw[i]);
        }
    }
}
