using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class PairedFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Constructor_TwoPairs_ListsIdsAndSources()
    {
        FakeLayouts.Paired(_dir, "a", "b");

        var ds = new PairedFolderDataset(_dir.Path);

        Assert.Equal(2, ds.Count);
        Assert.Equal(new[] { "a", "b" }, new[] { ds.Describe(0).Id, ds.Describe(1).Id });
        Assert.Null(ds.Describe(0).Group);
        Assert.Equal(_dir.Combine("images", "a.png"), ds.Describe(0).Source);
        Assert.Equal(new[] { "background", "foreground" }, ds.ClassNames);
        Assert.StartsWith("paired:", ds.Name);
    }

    [Fact]
    public void Load_MaskNamedStemUnderscoreMask_IsFoundAndBinary()
    {
        FakeLayouts.Paired(_dir, "a", "b");
        var ds = new PairedFolderDataset(_dir.Path);

        using LabeledImage b = ds.Load(1);

        Assert.Equal("b", b.Id);
        Assert.Equal(MatType.CV_8UC1, b.Mask.Type());
        Assert.Equal(16, Mats.CountEqual(b.Mask, 1));
        Assert.Equal(1, b.Mask.Get<byte>(1, 1));
        Assert.Equal(61, b.Image.Get<byte>(0, 0));
    }

    [Fact]
    public void Load_MaskMissing_ThrowsFromLoadNotConstructor()
    {
        FakeLayouts.Paired(_dir, "a");
        using (Mat extra = FakeLayouts.Gray(1))
        {
            _dir.Write(extra, "images", "lonely.png");
        }

        var ds = new PairedFolderDataset(_dir.Path);
        var e = Assert.Throws<DatasetException>(() => ds.Load(1));

        Assert.Equal(2, ds.Count);
        Assert.EndsWith("lonely.png", e.Path);
        Assert.Contains("mask missing", e.Reason);
    }

    [Fact]
    public void Load_MultiClassWithClassesFile_KeepsIdsAndNames()
    {
        WriteMultiClassSample(maxId: 2);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["background", "liver", "spleen", ""]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);
        using LabeledImage sample = ds.Load(0);

        Assert.Equal(new[] { "background", "liver", "spleen" }, ds.ClassNames);
        Assert.Equal(2, sample.Mask.Get<byte>(0, 2));
        Assert.Equal(1, sample.Mask.Get<byte>(0, 1));
    }

    [Fact]
    public void ClassNames_ClassesFileWithoutBackground_PrependsBackground()
    {
        WriteMultiClassSample(maxId: 1);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["tumor"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        Assert.Equal(new[] { "background", "tumor" }, ds.ClassNames);
    }

    [Fact]
    public void ClassNames_MultiClassWithoutClassesFile_ScansForLargestId()
    {
        WriteMultiClassSample(maxId: 3);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        Assert.Equal(new[] { "background", "class1", "class2", "class3" }, ds.ClassNames);
    }

    [Fact]
    public void Constructor_NoImages_ThrowsEmptyDataSet()
    {
        Directory.CreateDirectory(_dir.Combine("images"));
        Directory.CreateDirectory(_dir.Combine("masks"));

        var e = Assert.Throws<DatasetException>(() => new PairedFolderDataset(_dir.Path));

        Assert.Contains("empty data set", e.Reason);
    }

    [Fact]
    public void Constructor_NoMasksFolder_ThrowsNamingFolder()
    {
        FakeLayouts.Paired(_dir, "a");
        Directory.Delete(_dir.Combine("masks"), recursive: true);

        var e = Assert.Throws<DatasetException>(() => new PairedFolderDataset(_dir.Path));

        Assert.Equal(_dir.Combine("masks"), e.Path);
    }

    [Fact]
    public void Describe_IndexOutOfRange_Throws()
    {
        FakeLayouts.Paired(_dir, "a");
        var ds = new PairedFolderDataset(_dir.Path);

        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Describe(1));
    }

    private void WriteMultiClassSample(int maxId)
    {
        using Mat image = FakeLayouts.Gray(10);
        using Mat labels = new(1, maxId + 1, MatType.CV_8UC1);
        for (int id = 0; id <= maxId; id++)
        {
            labels.Set(0, id, (byte)id);
        }

        using Mat wideImage = new(1, maxId + 1, MatType.CV_8UC1, Scalar.All(10));
        _dir.Write(wideImage, "images", "m.png");
        _dir.Write(labels, "masks", "m.png");
    }
}
