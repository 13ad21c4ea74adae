using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Phantoms;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DatasetFactoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_MontgomeryFolder_DetectsMontgomery()
    {
        FakeLayouts.Montgomery(_dir, "MCUCXR_0001_0");

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<MontgomeryDataset>(ds);
        Assert.Equal(1, ds.Count);
    }

    [Fact]
    public void Open_LggParentFolder_DetectsLgg()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 1, 2);

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<LggDataset>(ds);
        Assert.Equal(2, ds.Count);
    }

    [Fact]
    public void Open_DsbFolder_DetectsDsb2018()
    {
        FakeLayouts.Dsb(_dir, "abc", new Rect(0, 0, 2, 2));

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<DataScienceBowlDataset>(ds);
        Assert.Equal("abc", ds.Describe(0).Id);
    }

    [Fact]
    public void Open_FolderWithPaletteFile_DetectsPaletteBeforePaired()
    {
        FakeLayouts.Palette(_dir);

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<PaletteDataset>(ds);
        Assert.Equal(3, ds.ClassNames.Count);
    }

    [Fact]
    public void Open_ImagesAndMasksWithTifMasks_DetectsPairedNotLgg()
    {
        using (Mat image = FakeLayouts.Gray(1))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 2, 2)))
        {
            _dir.Write(image, "images", "x.tif");
            _dir.Write(mask, "masks", "x_mask.tif");
        }

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<PairedFolderDataset>(ds);
        using LabeledImage sample = ds.Load(0);
        Assert.Equal(4, Mats.CountEqual(sample.Mask, 1));
    }

    [Fact]
    public void Open_ForcedLayout_UsesItEvenWhenDetectionWouldDiffer()
    {
        FakeLayouts.Palette(_dir);

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path, layout: "paired");

        Assert.IsType<PairedFolderDataset>(ds);
        Assert.Equal(new[] { "background", "foreground" }, ds.ClassNames);
    }

    [Fact]
    public void Open_NamePrefixSpec_RoundTripsADatasetName()
    {
        FakeLayouts.Lgg(_dir, "TCGA_CS_4941", 1);
        ISegmentationDataset first = DatasetFactory.Open(_dir.Path);

        ISegmentationDataset again = DatasetFactory.Open(first.Name);

        Assert.IsType<LggDataset>(again);
        Assert.Equal(first.Name, again.Name);
    }

    [Fact]
    public void Open_UnknownLayout_ThrowsListingKnownLayouts()
    {
        FakeLayouts.Paired(_dir, "a");

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Path, layout: "coco"));

        Assert.Contains("coco", e.Message);
        Assert.Contains("montgomery", e.Message);
        Assert.Contains("dsb2018", e.Message);
    }

    [Fact]
    public void Open_UndetectableFolder_ThrowsListingWhatWasLookedFor()
    {
        File.WriteAllText(_dir.Combine("readme.txt"), "nothing here");

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains("CXR_png", e.Message);
        Assert.Contains("palette.txt", e.Message);
        Assert.Contains("_mask.tif", e.Message);
        Assert.Contains("images|image|imgs|img|input|x/ + masks|mask|label|labels|gt|groundtruth|y/", e.Message);
    }

    [Fact]
    public void Open_MissingFolder_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Combine("absent")));

        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Open_EmptyPairedFolder_ThrowsEmptyDataSet()
    {
        Directory.CreateDirectory(_dir.Combine("images"));
        Directory.CreateDirectory(_dir.Combine("masks"));

        var e = Assert.Throws<DatasetException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains("empty data set", e.Message);
    }

    [Theory]
    [InlineData("synthetic:lungs")]
    [InlineData("synthetic:XRay")]
    public void Open_SyntheticLungsAliases_UseDefaults(string spec)
    {
        ISegmentationDataset ds = DatasetFactory.Open(spec);

        Assert.IsType<SyntheticDataset>(ds);
        Assert.Equal(400, ds.Count);
    }

    [Theory]
    [InlineData("synthetic:us?n=5&size=32&seed=2", 5)]
    [InlineData("synthetic:ultrasound?n=7", 7)]
    [InlineData("synthetic:brain?seed=9&n=3", 3)]
    public void Open_SyntheticWithOptions_AppliesCount(string spec, int expectedCount)
    {
        ISegmentationDataset ds = DatasetFactory.Open(spec);

        Assert.Equal(expectedCount, ds.Count);
    }

    [Fact]
    public void Open_SyntheticSize_ProducesThatSize()
    {
        ISegmentationDataset ds = DatasetFactory.Open("synthetic:lesion?n=2&size=32");

        using LabeledImage sample = ds.Load(0);

        Assert.Equal(new Size(32, 32), sample.Image.Size());
    }

    [Theory]
    [InlineData("synthetic:heart", "heart")]
    [InlineData("synthetic:lungs?n=abc", "synthetic option n=abc is not a valid Int32")]
    [InlineData("synthetic:lungs?depth=3", "unknown synthetic option 'depth'; expected n, size, seed")]
    [InlineData("synthetic:lungs?n=0", "synthetic n must be positive")]
    public void Open_BadSyntheticSpec_ThrowsSayingWhat(string spec, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(spec));

        Assert.Contains(expected, e.Message);
    }
}
