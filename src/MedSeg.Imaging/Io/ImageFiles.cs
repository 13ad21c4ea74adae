namespace MedSeg.Imaging.Io;

/// <summary>Finds the image files of a folder, in a stable natural order.</summary>
public static class ImageFiles
{
    /// <summary>Extensions every layout accepts, lower case with the dot (.gif: Carvana's masks, as milesial/Pytorch-UNet uses them; its first frame).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"];

    public static bool IsImage(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Image files directly in <paramref name="directory"/>, naturally sorted. Hidden files are
    /// skipped: macOS archives carry "._name.png" resource forks that are not images.
    /// </summary>
    public static IReadOnlyList<string> List(string directory, string searchPattern = "*")
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, searchPattern)
            .Where(f => IsImage(f) && !Path.GetFileName(f).StartsWith('.'))
            .Order(NaturalStringComparer.Instance)
            .ToArray();
    }

    /// <summary>Sub-folders of <paramref name="directory"/>, naturally sorted, hidden ones skipped.</summary>
    public static IReadOnlyList<string> ListDirectories(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateDirectories(directory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(NaturalStringComparer.Instance)
            .ToArray();
    }
}
