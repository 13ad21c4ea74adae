using System.Runtime.InteropServices;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Tiff;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Formats;

public sealed class TiffStackTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Open_SixteenBitMultiPage_KeepsEveryPageAtSixteenBits()
    {
        var pages = Enumerable.Range(0, 3).Select(k => Ramp16(k * 20000)).ToArray();
        string file = _dir.Combine("stack.tif");
        Assert.True(Cv2.ImWrite(file, (IEnumerable<Mat>)pages));

        using var stack = TiffStack.Open(file);

        Assert.Equal((3, 20, 10, PixelFormat.Gray16), (stack.Count, stack.Width, stack.Height, stack.Format));
        var slice = new byte[20 * 10 * 2];
        stack.Read(2, slice);
        Assert.Equal(pages[2].AsSpan<ushort>().ToArray(), MemoryMarshal.Cast<byte, ushort>(slice).ToArray());
        foreach (var p in pages) p.Dispose();
    }

    [Fact]
    public void Open_PageOfAnotherSize_IsSkippedAndListed()
    {
        using var a = Ramp16(0);
        using var b = new Mat(5, 5, MatType.CV_16UC1, Scalar.All(7));
        using var c = Ramp16(100);
        string file = _dir.Combine("mixed.tif");
        Assert.True(Cv2.ImWrite(file, (IEnumerable<Mat>)[a, b, c]));

        using var stack = TiffStack.Open(file);

        Assert.Equal(2, stack.Count);
        Assert.EndsWith("page 2", stack.NameOf(1));
        Assert.Contains(stack.Skipped, s => s.Item.EndsWith("page 1") && s.Reason.Contains("5×5"));
    }

    [Fact]
    public void Open_NotATiff_NamesTheFile()
    {
        string file = _dir.WriteGarbage("junk.tif");
        Assert.Contains("junk.tif", Assert.Throws<MedicalFormatException>(() => TiffStack.Open(file)).Message);
    }

    [Fact]
    public void Folder_NaturalOrderAndBadFileReportedOnRead()
    {
        foreach (int k in new[] { 10, 2, 1 })
        {
            using var img = Ramp16(k);
            _dir.Write(img, "f", $"slice_{k}.png");
        }
        _dir.WriteGarbage("f", "slice_5.png");

        using var stack = ImageFolderStack.Open(_dir.Combine("f"));

        Assert.Equal(["slice_1.png", "slice_2.png", "slice_5.png", "slice_10.png"], Enumerable.Range(0, stack.Count).Select(i => Path.GetFileName(stack.NameOf(i))));
        Assert.Equal(PixelFormat.Gray16, stack.Format);
        var slice = new byte[20 * 10 * 2];
        stack.Read(3, slice);
        Assert.Equal((ushort)10, MemoryMarshal.Cast<byte, ushort>(slice)[0]);
        var e = Assert.Throws<MedicalFormatException>(() => stack.Read(2, slice));
        Assert.Contains("slice_5.png", e.Message);
    }

    [Fact]
    public void Folder_ExtensionFilter_KeepsOnlyTiffs()
    {
        using var img = Ramp16(0);
        _dir.Write(img, "g", "a.tif");
        _dir.Write(img, "g", "b.png");

        using var stack = ImageFolderStack.Open(_dir.Combine("g"), [".tif", ".tiff"]);

        Assert.Equal(1, stack.Count);
    }

    private static Mat Ramp16(int offset)
    {
        var m = new Mat(10, 20, MatType.CV_16UC1);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 20; x++) m.Set(y, x, (ushort)(offset + x * 100 + y));
        return m;
    }

    public void Dispose() => _dir.Dispose();
}
