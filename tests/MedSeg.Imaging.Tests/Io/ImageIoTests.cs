using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Io;

public sealed class ImageIoTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_Gray8Png_KeepsTypeAndValues()
    {
        using Mat source = Mats.Filled(5, 4, MatType.CV_8UC1, Scalar.All(0));
        source.Set(1, 2, (byte)200);
        string path = _dir.Write(source, "gray.png");

        using Mat read = ImageIo.Read(path);

        Assert.Equal(MatType.CV_8UC1, read.Type());
        Assert.Equal(new Size(5, 4), read.Size());
        Assert.Equal(200, read.Get<byte>(1, 2));
    }

    [Theory]
    [InlineData("wide.png")]
    [InlineData("wide.tif")]
    public void Read_16BitFile_KeepsFullRange(string name)
    {
        using Mat source = Mats.Filled(8, 2, MatType.CV_16UC1, Scalar.All(1000));
        source.Set(0, 0, (ushort)0);
        source.Set(0, 1, (ushort)65535);
        source.Set(1, 7, (ushort)257);
        string path = _dir.Write(source, name);

        using Mat read = ImageIo.Read(path);

        Assert.Equal(MatType.CV_16UC1, read.Type());
        Cv2.MinMaxLoc(read, out double min, out double max);
        Assert.Equal(0, min);
        Assert.Equal(65535, max);
        Assert.Equal(257, read.Get<ushort>(1, 7));
        Assert.Equal(1000, read.Get<ushort>(1, 0));
    }

    [Fact]
    public void Read_FloatTiff_KeepsFloatValues()
    {
        using Mat source = Mats.Filled(3, 3, MatType.CV_32FC1, Scalar.All(-1.5));
        source.Set(2, 2, 1234.25f);
        string path = _dir.Write(source, "float.tif");

        using Mat read = ImageIo.Read(path);

        Assert.Equal(MatType.CV_32FC1, read.Type());
        Assert.Equal(-1.5f, read.Get<float>(0, 0));
        Assert.Equal(1234.25f, read.Get<float>(2, 2));
    }

    [Fact]
    public void Read_MultiPageTiff_ReturnsFirstPage()
    {
        using Mat first = Mats.Filled(4, 4, MatType.CV_16UC1, Scalar.All(111));
        using Mat second = Mats.Filled(4, 4, MatType.CV_16UC1, Scalar.All(222));
        string path = _dir.Combine("stack.tif");
        Assert.True(Cv2.ImWrite(path, new[] { first, second }));
        Assert.True(Cv2.ImReadMulti(path, out Mat[] pages, ImreadModes.Unchanged));
        Assert.Equal(2, pages.Length); // the file really holds two pages
        foreach (Mat p in pages)
        {
            p.Dispose();
        }

        using Mat read = ImageIo.Read(path);

        Assert.Equal(MatType.CV_16UC1, read.Type());
        Assert.Equal(111, read.Get<ushort>(3, 3));
    }

    [Fact]
    public void Read_RgbaPng_DropsAlphaKeepsBgr()
    {
        using Mat source = Mats.Filled(3, 2, MatType.CV_8UC4, new Scalar(10, 20, 30, 0));
        string path = _dir.Write(source, "rgba.png");

        using Mat read = ImageIo.Read(path);
        using Mat raw = ImageIo.ReadRaw(path);

        Assert.Equal(MatType.CV_8UC3, read.Type());
        Assert.Equal(new Vec3b(10, 20, 30), read.Get<Vec3b>(1, 2));
        Assert.Equal(MatType.CV_8UC4, raw.Type());
    }

    [Fact]
    public void Read_16BitColourPng_BecomesOneGrayChannelAtSixteenBits()
    {
        using Mat source = Mats.Filled(2, 2, MatType.CV_16UC3, Scalar.All(40000));
        string path = _dir.Write(source, "rgb16.png");

        using Mat read = ImageIo.Read(path);

        Assert.Equal(MatType.CV_16UC1, read.Type());
        Assert.Equal(40000, read.Get<ushort>(0, 0));
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingFileNotFound()
    {
        string path = _dir.Combine("nope.png");

        var e = Assert.Throws<DatasetException>(() => ImageIo.Read(path));

        Assert.Equal(path, e.Path);
        Assert.Contains("not found", e.Reason);
    }

    [Fact]
    public void Read_GarbageBytes_ThrowsCouldNotDecode()
    {
        string path = _dir.WriteGarbage("corrupt.png");

        var e = Assert.Throws<DatasetException>(() => ImageIo.Read(path));

        Assert.Equal(path, e.Path);
        Assert.Contains("could not decode", e.Reason);
        Assert.Contains("corrupt.png", e.Message);
    }

    [Fact]
    public void Read_TruncatedPng_ThrowsCouldNotDecode()
    {
        using Mat source = new(64, 64, MatType.CV_8UC1);
        Cv2.Randu(source, Scalar.All(0), Scalar.All(255)); // noise: the compressed data is long
        string path = _dir.Write(source, "truncated.png");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DatasetException>(() => ImageIo.Read(path));

        Assert.Contains("could not decode", e.Reason);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsFileIsEmpty()
    {
        string path = _dir.Combine("zero.png");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<DatasetException>(() => ImageIo.Read(path));

        Assert.Contains("empty", e.Reason);
    }

    [Fact]
    public void ReadMask_Gray255_BecomesOnes()
    {
        using Mat source = Mats.Rect(6, 6, new Rect(1, 1, 2, 3));
        string path = _dir.Write(source, "mask.png");

        using Mat mask = ImageIo.ReadMask(path);

        Assert.Equal(MatType.CV_8UC1, mask.Type());
        Assert.Equal(6, Mats.CountEqual(mask, 1));
        Assert.Equal(30, Mats.CountEqual(mask, 0));
    }

    [Fact]
    public void ReadMask_ColourWithOnlyBlueSet_CountsAsForeground()
    {
        // A gray conversion would round (1,0,0) to 0; the mask must OR the channels instead.
        using Mat source = Mats.Filled(2, 2, MatType.CV_8UC3, Scalar.All(0));
        source.Set(0, 1, new Vec3b(1, 0, 0));
        string path = _dir.Write(source, "blue.png");

        using Mat mask = ImageIo.ReadMask(path);

        Assert.Equal(1, mask.Get<byte>(0, 1));
        Assert.Equal(1, Cv2.CountNonZero(mask));
    }

    [Fact]
    public void ReadMask_16BitTiff_NonzeroBecomesOne()
    {
        using Mat source = Mats.Filled(3, 1, MatType.CV_16UC1, Scalar.All(0));
        source.Set(0, 2, (ushort)65535);
        source.Set(0, 1, (ushort)256);
        string path = _dir.Write(source, "mask16.tif");

        using Mat mask = ImageIo.ReadMask(path);

        Assert.Equal(MatType.CV_8UC1, mask.Type());
        Assert.Equal(new byte[] { 0, 1, 1 }, new[] { mask.Get<byte>(0, 0), mask.Get<byte>(0, 1), mask.Get<byte>(0, 2) });
    }

    [Fact]
    public void ReadMask_RgbaTransparentBlack_StaysBackground()
    {
        using Mat source = Mats.Filled(2, 2, MatType.CV_8UC4, new Scalar(0, 0, 0, 255));
        source.Set(1, 1, new Vec4b(0, 0, 255, 255));
        string path = _dir.Write(source, "rgba-mask.png");

        using Mat mask = ImageIo.ReadMask(path);

        Assert.Equal(1, Cv2.CountNonZero(mask));
        Assert.Equal(1, mask.Get<byte>(1, 1));
    }

    [Fact]
    public void ReadLabels_MultiClassPng_KeepsIds()
    {
        using Mat source = Mats.Filled(3, 1, MatType.CV_8UC1, Scalar.All(0));
        source.Set(0, 1, (byte)2);
        source.Set(0, 2, (byte)5);
        string path = _dir.Write(source, "labels.png");

        using Mat labels = ImageIo.ReadLabels(path);

        Assert.Equal(new byte[] { 0, 2, 5 }, new[] { labels.Get<byte>(0, 0), labels.Get<byte>(0, 1), labels.Get<byte>(0, 2) });
    }

    [Fact]
    public void ReadLabels_GraySavedAsRgb_TakesOneChannel()
    {
        using Mat source = Mats.Filled(2, 1, MatType.CV_8UC3, Scalar.All(3));
        string path = _dir.Write(source, "rgb-labels.png");

        using Mat labels = ImageIo.ReadLabels(path);

        Assert.Equal(MatType.CV_8UC1, labels.Type());
        Assert.Equal(3, labels.Get<byte>(0, 1));
    }

    [Fact]
    public void ReadLabels_RealColourMask_ThrowsPointingToPalette()
    {
        using Mat source = Mats.Filled(2, 1, MatType.CV_8UC3, new Scalar(0, 0, 255));
        string path = _dir.Write(source, "colour.png");

        var e = Assert.Throws<DatasetException>(() => ImageIo.ReadLabels(path));

        Assert.Contains("palette", e.Reason);
    }

    [Fact]
    public void ReadLabels_16BitIdAbove255_Throws()
    {
        using Mat source = Mats.Filled(2, 1, MatType.CV_16UC1, Scalar.All(300));
        string path = _dir.Write(source, "big-ids.png");

        var e = Assert.Throws<DatasetException>(() => ImageIo.ReadLabels(path));

        Assert.Contains("300", e.Reason);
    }

    [Fact]
    public void WritePng_MissingFolders_CreatesThemAndRoundTrips16Bit()
    {
        using Mat source = Mats.Filled(4, 3, MatType.CV_16UC1, Scalar.All(65535));
        string path = _dir.Combine("a", "b", "c", "out.png");

        ImageIo.WritePng(path, source);
        using Mat read = ImageIo.Read(path);

        Assert.True(File.Exists(path));
        Assert.Equal(MatType.CV_16UC1, read.Type());
        Assert.Equal(65535, read.Get<ushort>(2, 3));
    }

    [Fact]
    public void WritePng_EmptyMat_ThrowsArgumentException()
    {
        using var empty = new Mat();

        Assert.Throws<ArgumentException>(() => ImageIo.WritePng(_dir.Combine("x.png"), empty));
    }
}
