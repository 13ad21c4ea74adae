using MedSeg.Core.Frames;
using OpenCvSharp;

namespace MedSeg.Imaging.Formats.Tiff;

/// <summary>The pages of a multi-page TIFF as a slice stack, at their stored depth.</summary>
/// <remarks>
/// Memory: all pages are decoded once at open (OpenCV's ImReadMulti, <c>Unchanged</c>) and kept as
/// packed byte arrays. The first usable page fixes size and format; pages that differ are
/// skipped and listed in <see cref="Skipped"/>.
/// </remarks>
public sealed class TiffStack : ISliceStack
{
    private readonly List<(int Page, byte[] Pixels)> _pages;
    private readonly string _path;

    private TiffStack(string path, List<(int, byte[])> pages, int width, int height, PixelFormat format, List<SkippedItem> skipped, int total)
    {
        (_path, _pages, Width, Height, Format, Skipped) = (path, pages, width, height, format, skipped);
        Description = $"TIFF {Path.GetFileName(path)} {width}×{height}×{pages.Count} {format}" + (skipped.Count > 0 ? $" ({skipped.Count} of {total} pages skipped)" : "");
    }

    public string Description { get; }
    public int Count => _pages.Count;
    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }
    public DisplayWindow? Window => null;
    public IReadOnlyList<SkippedItem> Skipped { get; }

    /// <exception cref="MedicalFormatException">Missing, unreadable, or no page in a supported format.</exception>
    public static TiffStack Open(string path)
    {
        if (Core.Limits.InputFiles.Problem(path) is { } notAFile) throw new MedicalFormatException(path, notAFile);
        Mat[] mats;
        try
        {
            if (!Cv2.ImReadMulti(path, out mats, ImreadModes.Unchanged) || mats.Length == 0)
                throw new MedicalFormatException(path, "OpenCV could not decode it as a (multi-page) image: corrupt, truncated or not a TIFF");
        }
        catch (OpenCVException e)
        {
            // OpenCV's own size cap (CV_IO_MAX_IMAGE_PIXELS, set from MEDSEG_MAX_IMAGE_PIXELS) and decoder errors name no file.
            throw new MedicalFormatException(path, $"OpenCV refused it in {e.FuncName}: {e.ErrMsg}", null, e);
        }
        var pages = new List<(int, byte[])>();
        var skipped = new List<SkippedItem>();
        (int w, int h, PixelFormat f)? shape = null;
        try
        {
            for (int i = 0; i < mats.Length; i++)
            {
                var m = mats[i];
                var format = MatPixels.FormatOf(m);
                if (format is null) { skipped.Add(new($"{path} page {i}", $"{MatPixels.Describe(m)} has no frame format (supported: 8/16-bit grey, signed 16, float32, 8-bit BGR)")); continue; }
                shape ??= (m.Width, m.Height, format.Value);
                if (shape != (m.Width, m.Height, format.Value))
                {
                    skipped.Add(new($"{path} page {i}", $"{m.Width}×{m.Height} {format} differs from the stack's {shape.Value.w}×{shape.Value.h} {shape.Value.f}"));
                    continue;
                }
                var pixels = new byte[m.Width * m.Height * format.Value.BytesPerPixel()];
                MatPixels.CopyTo(m, pixels);
                pages.Add((i, pixels));
            }
        }
        finally
        {
            foreach (var m in mats) m.Dispose();
        }
        if (shape is not { } s) throw new MedicalFormatException(path, $"none of its {mats.Length} page(s) has a supported format; first: {skipped[0].Reason}");
        return new TiffStack(path, pages, s.w, s.h, s.f, skipped, mats.Length);
    }

    public string NameOf(int index) => $"{_path} page {_pages[index].Page}";

    public void Read(int index, Span<byte> destination) => _pages[index].Pixels.CopyTo(destination);

    public void Dispose() { }
}
