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
    public void ClassNames_BackgroundNamedOtherwiseOnLineOne_IsIdZeroAndSaysSo()
    {
        // The trap of issue 11: "air, soft tissue, bone" once became four classes, names shifted by one.
        WriteMultiClassSample(maxId: 2);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["air", "soft tissue", "bone"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        Assert.Equal(new[] { "air", "soft tissue", "bone" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("id 0, the background: 'air'"));
    }

    [Fact]
    public void ClassNames_NamedClassNeverInAnyMask_SaysWhichAndWhy()
    {
        WriteMultiClassSample(maxId: 1);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["background", "soft tissue", "bone"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        Assert.Equal(new[] { "background", "soft tissue", "bone" }, ds.ClassNames);
        string note = Assert.Single(ds.Notes);
        Assert.Contains("'bone' (id 2) never occurs", note);
    }

    [Fact]
    public void ClassNames_IdWithoutName_SaysWhichAndTheValidatorStopsTheSample()
    {
        WriteMultiClassSample(maxId: 4);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["background", "liver", "spleen"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);
        var bad = DatasetValidator.Validate(ds, null, CancellationToken.None);

        Assert.Equal(new[] { "background", "liver", "spleen" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("id 3, id 4, which have no name"));
        Assert.Equal("mask has class id 4 but the data set has 3 classes", Assert.Single(bad).Reason);
    }

    [Fact]
    public void ClassNames_ForegroundOnlyFile_AssumesBackgroundAndSaysSo()
    {
        WriteMultiClassSample(maxId: 2);
        File.WriteAllLines(_dir.Combine("classes.txt"), ["soft tissue", "bone"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        Assert.Equal(new[] { "background", "soft tissue", "bone" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("read as foreground classes"));
    }

    [Fact]
    public void Load_VisibleBinaryMasksWithOneName_ReadsAsBinary()
    {
        using Mat image = new(2, 2, MatType.CV_8UC1, Scalar.All(10));
        using Mat mask = new(2, 2, MatType.CV_8UC1, Scalar.All(0));
        mask.Set(0, 0, (byte)255);
        _dir.Write(image, "images", "v.png");
        _dir.Write(mask, "masks", "v.png");
        File.WriteAllLines(_dir.Combine("classes.txt"), ["vessel"]);

        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);
        using LabeledImage sample = ds.Load(0);

        Assert.Equal(new[] { "background", "vessel" }, ds.ClassNames);
        Assert.Equal(1, sample.Mask.Get<byte>(0, 0));
        Assert.Contains(ds.Notes, n => n.Contains("binary"));
    }

    [Fact]
    public void ClassNamesFile_WriteThenResolve_RoundTripsTheExportConvention()
    {
        string path = _dir.Combine("classes.txt");
        ClassNamesFile.Write(path, ["background", "soft tissue", "bone"]);

        var r = ClassNamesFile.Resolve(path, ClassNamesFile.Read(path), [10, 5, 3]);

        Assert.Equal(new[] { "background", "soft tissue", "bone" }, r.Names);
        Assert.Empty(r.Notes);
        Assert.Equal("background", File.ReadAllLines(path)[0]);
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

        Assert.Equal(_dir.Path, e.Path);
        Assert.Contains("needs a mask folder here, named masks|mask|label|labels|gt|groundtruth|y", e.Reason);
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
