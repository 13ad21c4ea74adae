using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class PaletteDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_ColourMask_MapsEachColourToItsClass()
    {
        FakeLayouts.Palette(_dir);
        var ds = new PaletteDataset(_dir.Path);

        using LabeledImage sample = ds.Load(0);

        Assert.Equal(new[] { "background", "liver", "left kidney" }, ds.ClassNames);
        Assert.Equal(MatType.CV_8UC1, sample.Mask.Type());
        Assert.Equal(1, sample.Mask.Get<byte>(3, 3));
        Assert.Equal(2, sample.Mask.Get<byte>(9, 8));
        Assert.Equal(16, Mats.CountEqual(sample.Mask, 1));
        Assert.Equal(6, Mats.CountEqual(sample.Mask, 2));
        Assert.Equal(16 * 16 - 22, Mats.CountEqual(sample.Mask, 0));
    }

    [Fact]
    public void Load_ColourNotInPalette_ThrowsNamingFileColourAndPixel()
    {
        FakeLayouts.Palette(_dir);
        string maskPath = _dir.Combine("masks", "p1.png");
        using (Mat mask = Cv2.ImRead(maskPath, ImreadModes.Unchanged))
        {
            mask.Set(2, 3, new Vec3b(30, 20, 10)); // BGR of RGB(10,20,30) at x=3, y=2
            Assert.True(Cv2.ImWrite(maskPath, mask));
        }

        var ds = new PaletteDataset(_dir.Path);
        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.Equal(maskPath, e.Path);
        Assert.Contains("RGB(10,20,30)", e.Reason);
        Assert.Contains("x=3, y=2", e.Reason);
    }

    [Fact]
    public void Constructor_MalformedPaletteLine_ThrowsNamingLine()
    {
        FakeLayouts.Palette(_dir);
        File.WriteAllText(_dir.Combine("palette.txt"), "0,0,0 background\n300,0,0 liver\n");

        var e = Assert.Throws<DatasetException>(() => new PaletteDataset(_dir.Path));

        Assert.EndsWith("palette.txt", e.Path);
        Assert.Contains("line 2", e.Reason);
    }

    [Fact]
    public void Constructor_DuplicateColour_Throws()
    {
        FakeLayouts.Palette(_dir);
        File.WriteAllText(_dir.Combine("palette.txt"), "0,0,0 background\n0,0,0 again\n");

        var e = Assert.Throws<DatasetException>(() => new PaletteDataset(_dir.Path));

        Assert.Contains("twice", e.Reason);
    }

    [Fact]
    public void ToClassIds_GrayMask_ReadsGrayAsEqualRgb()
    {
        var palette = new Palette([(0, 0, 0, "background"), (7, 7, 7, "seven")]);
        using Mat gray = new(1, 2, MatType.CV_8UC1, Scalar.All(7));

        using Mat ids = palette.ToClassIds(gray, "mem");

        Assert.Equal(2, Mats.CountEqual(ids, 1));
    }
}
