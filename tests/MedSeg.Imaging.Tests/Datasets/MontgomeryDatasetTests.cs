using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class MontgomeryDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_TwoXrays_ListsThemWithoutGroups()
    {
        FakeLayouts.Montgomery(_dir, "MCUCXR_0001_0", "MCUCXR_0002_1");

        var ds = new MontgomeryDataset(_dir.Path);

        Assert.Equal(2, ds.Count);
        Assert.Equal("MCUCXR_0002_1", ds.Describe(1).Id);
        Assert.Null(ds.Describe(1).Group);
        Assert.Equal(new[] { "background", "lung" }, ds.ClassNames);
    }

    [Fact]
    public void Load_LeftAndRightMasks_UnitesBothLungsAsClassOne()
    {
        FakeLayouts.Montgomery(_dir, "MCUCXR_0001_0");
        var ds = new MontgomeryDataset(_dir.Path);

        using LabeledImage sample = ds.Load(0);

        Assert.Equal(64, Mats.CountEqual(sample.Mask, 1));
        Assert.Equal(1, sample.Mask.Get<byte>(5, 3));   // left lung
        Assert.Equal(1, sample.Mask.Get<byte>(5, 11));  // right lung
        Assert.Equal(0, sample.Mask.Get<byte>(5, 7));   // mediastinum
        Assert.Equal(128, sample.Image.Get<byte>(0, 0));
    }

    [Fact]
    public void Load_RightMaskMissing_ThrowsNamingRightMask()
    {
        FakeLayouts.Montgomery(_dir, "MCUCXR_0001_0");
        File.Delete(_dir.Combine("ManualMask", "rightMask", "MCUCXR_0001_0.png"));
        var ds = new MontgomeryDataset(_dir.Path);

        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.Contains("rightMask", e.Path);
        Assert.Contains("not found", e.Reason);
    }
}
