using MedSeg.Core.IO;
using OpenCvSharp;

namespace MedSeg.Rendering.Capture;

/// <summary>Writes a captured BGR frame as a PNG, creating its folder.</summary>
internal static class PngFile
{
    public static void Write(Mat bgr, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        // Encoded in memory and written by OutputFile: OpenCV's own file writing does not say when the disk is full.
        OutputFile.WriteAllBytes(path, Encode(bgr, path));
    }

    /// <summary>The PNG's bytes; <paramref name="path"/> only names it in an error.</summary>
    public static byte[] Encode(Mat bgr, string path) =>
        Cv2.ImEncode(".png", bgr, out byte[] png) ? png : throw new IOException($"{path}: OpenCV could not encode a PNG");
}
