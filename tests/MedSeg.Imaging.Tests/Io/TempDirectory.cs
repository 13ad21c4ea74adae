using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Io;

/// <summary>A fresh folder under the system temp dir, deleted with its contents on Dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "medseg-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="image"/> with OpenCV (format from the extension), creating folders.</summary>
    public string Write(Mat image, params string[] parts)
    {
        string file = Combine(parts);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        Assert.True(Cv2.ImWrite(file, image), $"test setup could not write {file}");
        return file;
    }

    /// <summary>Writes bytes that are no image at all, under an image file name.</summary>
    public string WriteGarbage(params string[] parts)
    {
        string file = Combine(parts);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, [0x13, 0x37, 0xBA, 0xD0, 0x00, 0xFF, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42]);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
