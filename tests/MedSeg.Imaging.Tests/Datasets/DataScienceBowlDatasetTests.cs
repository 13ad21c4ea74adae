using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DataScienceBowlDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_ThreeNuclei_UnitesThemAndDropsAlpha()
    {
        FakeLayouts.Dsb(_dir, "0a7d30b2", new Rect(0, 0, 2, 2), new Rect(5, 5, 3, 3), new Rect(6, 6, 3, 3));
        var ds = new DataScienceBowlDataset(_dir.Path);

        using LabeledImage sample = ds.Load(0);

        Assert.Equal(1, ds.Count);
        Assert.Equal("0a7d30b2", ds.Describe(0).Id);
        Assert.Equal(new[] { "background", "nucleus" }, ds.ClassNames);
        Assert.Equal(MatType.CV_8UC3, sample.Image.Type());
        Assert.Equal(new Vec3b(5, 6, 7), sample.Image.Get<Vec3b>(3, 3));
        Assert.Equal(4 + 9 + 9 - 4, Mats.CountEqual(sample.Mask, 1)); // the two overlapping nuclei share 4 pixels
        Assert.Equal(0, sample.Mask.Get<byte>(15, 15));
    }

    [Fact]
    public void Constructor_ParentOfStage1Train_FindsSamplesInOrder()
    {
        var nested = new TempDirectory();
        try
        {
            string stage = Path.Combine(nested.Path, "stage1_train");
            FakeLayouts.Dsb(_dir, "b", new Rect(0, 0, 1, 1));
            FakeLayouts.Dsb(_dir, "a", new Rect(0, 0, 1, 1));
            Directory.Move(_dir.Path, stage);

            var ds = new DataScienceBowlDataset(nested.Path);

            Assert.Equal(new[] { "a", "b" }, new[] { ds.Describe(0).Id, ds.Describe(1).Id });
            Assert.EndsWith("stage1_train", ds.Name);
        }
        finally
        {
            nested.Dispose();
        }
    }

    [Fact]
    public void Load_NoMaskPngs_ThrowsMaskMissing()
    {
        FakeLayouts.Dsb(_dir, "empty");
        Directory.CreateDirectory(_dir.Combine("empty", "masks"));
        var ds = new DataScienceBowlDataset(_dir.Path);

        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.Contains("mask missing", e.Reason);
        Assert.EndsWith("masks", e.Path);
    }
}
