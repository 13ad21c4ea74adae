using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class LggDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_ParentOfKaggle3m_FindsPatientsAndSlicesInNaturalOrder()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 10, 2, 1);
        FakeLayouts.Lgg(_dir, "TCGA_DU_5849", 3);

        var ds = new LggDataset(_dir.Path);

        Assert.Equal(4, ds.Count);
        string[] ids = Enumerable.Range(0, ds.Count).Select(i => ds.Describe(i).Id).ToArray();
        Assert.Equal(new[] { "TCGA_CS_4941_1", "TCGA_CS_4941_2", "TCGA_CS_4941_10", "TCGA_DU_5849_3" }, ids);
        Assert.Equal("TCGA_CS_4941", ds.Describe(2).Group);
        Assert.Equal("TCGA_DU_5849", ds.Describe(3).Group);
        Assert.Equal(new[] { "background", "tumor" }, ds.ClassNames);
        Assert.EndsWith("kaggle_3m", ds.Name);
    }

    [Fact]
    public void Constructor_RootIsKaggle3m_FindsSameSamples()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 1, 2);

        var ds = new LggDataset(_dir.Combine("kaggle_3m"));

        Assert.Equal(2, ds.Count);
    }

    [Fact]
    public void Load_Slice_ReturnsBgrImageAndBinaryMask()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 5);
        var ds = new LggDataset(_dir.Path);

        using LabeledImage sample = ds.Load(0);

        Assert.Equal(MatType.CV_8UC3, sample.Image.Type());
        Assert.Equal(new Vec3b(10, 20, 35), sample.Image.Get<Vec3b>(0, 0));
        Assert.Equal(5, Mats.CountEqual(sample.Mask, 1));
    }

    [Fact]
    public void Load_MaskMissing_ThrowsNamingMaskFile()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 1);
        File.Delete(_dir.Combine("kaggle_3m", "TCGA_CS_4941", "TCGA_CS_4941_1_mask.tif"));
        var ds = new LggDataset(_dir.Path);

        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.EndsWith("TCGA_CS_4941_1_mask.tif", e.Path);
    }
}
