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
        if (!Cv2.ImEncode(".png", bgr, out byte[] png)) throw new IOException($"{path}: OpenCV could not encode a PNG");
        OutputFile.WriteAllBytes(path, png);
    }
}
