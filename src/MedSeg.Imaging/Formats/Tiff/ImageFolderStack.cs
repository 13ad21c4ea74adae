using MedSeg.Core.Frames;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Formats.Tiff;

/// <summary>The images of a folder (naturally sorted: slice_2 before slice_10) as a slice stack, decoded one at a time.</summary>
/// <remarks>
/// The first decodable image fixes size and format; files before it that fail are in
/// <see cref="Skipped"/>. Later files are only decoded when played, so a bad or odd-sized one
/// makes <see cref="Read"/> throw <see cref="MedicalFormatException"/> naming it (the replay
/// source skips and counts it). A multi-page TIFF in a folder contributes its first page.
/// </remarks>
public sealed class ImageFolderStack : ISliceStack
{
    private readonly string[] _files;

    private ImageFolderStack(string path, string[] files, int width, int height, PixelFormat format, List<SkippedItem> skipped)
    {
        (_files, Width, Height, Format, Skipped) = (files, width, height, format, skipped);
        Description = $"folder {Path.GetFileName(path.TrimEnd('/', '\\'))} {width}×{height}×{files.Length} {format}";
    }

    public string Description { get; }
    public int Count => _files.Length;
    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }
    public DisplayWindow? Window => null;
    public IReadOnlyList<SkippedItem> Skipped { get; }

    /// <summary>Opens the images directly in <paramref name="directory"/>; <paramref name="extensions"/> (".tif", …) narrows the file types.</summary>
    /// <exception cref="MedicalFormatException">No such folder, or no decodable image in it.</exception>
    public static ImageFolderStack Open(string directory, IReadOnlyCollection<string>? extensions = null)
    {
        if (!Directory.Exists(directory)) throw new MedicalFormatException(directory, "no such folder");
        var files = ImageFiles.List(directory)
            .Where(f => extensions is null || extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
        var skipped = new List<SkippedItem>();
        // A folder named like an image is not one: said, not passed over in silence.
        foreach (string odd in Directory.EnumerateDirectories(directory).Where(d => Io.ImageFiles.IsImage(d) && (extensions is null || extensions.Contains(Path.GetExtension(d).ToLowerInvariant()))).Order(StringComparer.Ordinal))
            skipped.Add(new SkippedItem(odd, "a folder, not an image file"));
        while (files.Count > 0)
        {
            try
            {
                using var first = Decode(files[0]);
                var format = MatPixels.FormatOf(first)!.Value;
                return new ImageFolderStack(directory, [.. files], first.Width, first.Height, format, skipped);
            }
            catch (MedicalFormatException e)
            {
                skipped.Add(new SkippedItem(files[0], e.Reason));
                files.RemoveAt(0);
            }
        }
        throw new MedicalFormatException(directory, skipped.Count == 0
            ? $"no image files ({string.Join(", ", extensions ?? ImageFiles.Extensions)}) in the folder"
            : $"none of its {skipped.Count} image file(s) can be decoded; first: {skipped[0]}");
    }

    public string NameOf(int index) => _files[index];

    public void Read(int index, Span<byte> destination)
    {
        string file = _files[index];
        using var image = Decode(file);
        if (image.Width != Width || image.Height != Height || MatPixels.FormatOf(image) != Format)
            throw new MedicalFormatException(file, $"{image.Width}×{image.Height} {MatPixels.FormatOf(image)} differs from the stack's {Width}×{Height} {Format}");
        MatPixels.CopyTo(image, destination);
    }

    public void Dispose() { }

    private static Mat Decode(string file)
    {
        Mat image;
        try { image = ImageIo.ReadRaw(file); }
        catch (DatasetException e) { throw new MedicalFormatException(file, e.Reason, null, e); }
        if (MatPixels.FormatOf(image) is null)
        {
            string what = MatPixels.Describe(image);
            image.Dispose();
            throw new MedicalFormatException(file, $"{what} has no frame format (supported: 8/16-bit grey, signed 16, float32, 8-bit BGR/BGRA)");
        }
        return image;
    }
}
