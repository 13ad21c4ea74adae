using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Io;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>The folder names, mask names and mask files that U-Net tutorials bring, and the messages when a folder is none of them.</summary>
public sealed class TutorialFolderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_ZhixuhaoMembraneImageAndLabel_PairsByStemAsBinary()
    {
        string root = TutorialLayouts.Write("membrane", _dir.Combine("membrane", "train"), count: 4);

        ISegmentationDataset ds = DatasetFactory.Open(root);

        Assert.IsType<PairedFolderDataset>(ds);
        Assert.Equal(4, ds.Count);
        Assert.Equal(new[] { "background", "foreground" }, ds.ClassNames);
        using LabeledImage s = ds.Load(2);
        using Mat label = Cv2.ImRead(_dir.Combine("membrane", "train", "label", "2.png"), ImreadModes.Unchanged);
        Assert.Equal(Cv2.CountNonZero(label), Mats.CountEqual(s.Mask, 1));
        Assert.InRange(Mats.CountEqual(s.Mask, 0), 1, (int)s.Mask.Total() - 1); // membranes and cells both present
    }

    [Theory]
    [InlineData("IMG", "GT")]
    [InlineData("Images", "GroundTruth")]
    [InlineData("x", "y")]
    [InlineData("input", "labels")]
    [InlineData("imgs", "Mask")]
    public void Open_TutorialFolderNamesInAnyCase_AreThePairedLayout(string images, string masks)
    {
        using (Mat image = FakeLayouts.Gray(9))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 3, 3)))
        {
            _dir.Write(image, images, "case1.png");
            _dir.Write(mask, masks, "case1.png");
        }

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<PairedFolderDataset>(ds);
        using LabeledImage s = ds.Load(0);
        Assert.Equal(9, Mats.CountEqual(s.Mask, 1));
    }

    [Fact]
    public void Open_KaggleCarvanaTrainBesideTrainMasks_IsThePairedLayout()
    {
        using (Mat image = FakeLayouts.Gray(9))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(1, 1, 3, 3)))
        {
            _dir.Write(image, "train", "0cdf5b5d0ce1_01.jpg");
            _dir.Write(mask, "train_masks", "0cdf5b5d0ce1_01_mask.png");
            _dir.Write(image, "test", "0004d4463b50_01.jpg");
        }

        ISegmentationDataset ds = DatasetFactory.Open(_dir.Path);

        Assert.IsType<PairedFolderDataset>(ds);
        Assert.Equal(1, ds.Count);
        using LabeledImage s = ds.Load(0);
        Assert.Equal(9, Mats.CountEqual(s.Mask, 1));
    }

    [Theory]
    [InlineData("_mask")]
    [InlineData("_seg")]
    [InlineData("_label")]
    public void Load_MaskWithSuffix_IsFound(string suffix)
    {
        using (Mat image = FakeLayouts.Gray(9))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 2, 3)))
        {
            _dir.Write(image, "images", "p7.tif");
            _dir.Write(mask, "masks", $"p7{suffix}.png");
        }

        using LabeledImage s = DatasetFactory.Open(_dir.Path).Load(0);

        Assert.Equal(6, Mats.CountEqual(s.Mask, 1));
    }

    [Fact]
    public void Load_TwoFilesCouldBeTheMask_RefusesNamingBoth()
    {
        using (Mat image = FakeLayouts.Gray(9))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 2, 3)))
        {
            _dir.Write(image, "image", "a.png");
            _dir.Write(mask, "label", "a.png");
            _dir.Write(mask, "label", "a_seg.png");
        }

        var e = Assert.Throws<DatasetException>(() => DatasetFactory.Open(_dir.Path).Load(0));

        Assert.Contains("ambiguous mask: a.png, a_seg.png", e.Reason);
    }

    [Fact]
    public void Open_TwoFoldersCouldBeTheImages_RefusesNamingBoth()
    {
        using (Mat image = FakeLayouts.Gray(9))
        {
            _dir.Write(image, "img", "a.png");
            _dir.Write(image, "imgs", "a.png");
            _dir.Write(image, "masks", "a.png");
        }

        var e = Assert.Throws<DatasetException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains("img/ and imgs/ could each be the image folder", e.Reason);
        Assert.Equal(_dir.Path, e.Path);
    }

    [Fact]
    public void Open_MasksBesideLabels_KeepsReadingMasksAsBefore()
    {
        using (Mat image = FakeLayouts.Gray(9))
        using (Mat mask = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 2, 3)))
        using (Mat other = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 5, 5)))
        {
            _dir.Write(image, "images", "a.png");
            _dir.Write(mask, "masks", "a.png");
            _dir.Write(other, "labels", "a.png");
        }

        using LabeledImage s = DatasetFactory.Open(_dir.Path).Load(0);

        Assert.Equal(6, Mats.CountEqual(s.Mask, 1));
    }

    [Fact]
    public void Load_KvasirJpegMasks_KeepTheObjectNotTheCompressionNoise()
    {
        string root = TutorialLayouts.Write("kvasir", _dir.Combine("kvasir"), count: 2, size: 48);

        using LabeledImage s = DatasetFactory.Open(root).Load(0);

        using Mat raw = Cv2.ImRead(_dir.Combine("kvasir", "masks", "cju0000.jpg"), ImreadModes.Grayscale);
        int nonZero = Cv2.CountNonZero(raw);
        using Mat half = raw.GreaterThanOrEqual(128);
        int set = Mats.CountEqual(s.Mask, 1);
        int expected = Cv2.CountNonZero(half);
        // Any colour channel ≥ 128 against the grey reading: chroma noise may move a few edge pixels.
        Assert.InRange(set, expected * 0.97, expected * 1.03 + 2);
        Assert.True(nonZero > set, $"the JPEG should carry faint nonzero pixels outside the object ({nonZero} nonzero, {set} set)");
        Assert.Equal(MatType.CV_8UC3, s.Image.Type());
    }

    [Fact]
    public void Load_CarvanaGifMasks_AreReadAsTheirPaletteIndex()
    {
        string root = TutorialLayouts.Write("carvana", _dir.Combine("data"), count: 2, size: 48);

        ISegmentationDataset ds = DatasetFactory.Open(root);
        using LabeledImage s = ds.Load(1);

        Assert.Equal("0cdf0001_01", s.Id);
        using Mat jpeg = Cv2.ImRead(_dir.Combine("data", "imgs", "0cdf0001_01.jpg"), ImreadModes.Grayscale);
        using Mat bright = jpeg.GreaterThan(65); // the disc is ~100 grey, the ground ~30
        int disc = Cv2.CountNonZero(bright), set = Mats.CountEqual(s.Mask, 1);
        Assert.InRange(set, disc * 0.9, disc * 1.1 + 5);
        Assert.True(set > 0);
    }

    [Fact]
    public void Open_UnknownFolder_NamesItAndListsWhatWasLookedFor()
    {
        using (Mat image = FakeLayouts.Gray(9))
        {
            _dir.Write(image, "pictures", "a.png");
            _dir.Write(image, "annotations", "a.png");
        }

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains($"'{_dir.Path}'", e.Message);
        Assert.Contains(PairedFolders.Described, e.Message);
        Assert.Contains("NAME-volume.tif + NAME-labels.tif", e.Message);
        Assert.Contains("CXR_png/ + ManualMask/", e.Message);
    }

    [Fact]
    public void Open_ImageFolderWithoutMaskFolder_SaysWhichIsMissing()
    {
        using (Mat image = FakeLayouts.Gray(9))
        {
            _dir.Write(image, "image", "0.png");
            _dir.Write(image, "predictions", "0.png");
        }

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains("it has an image folder, image/, but no mask folder named masks|mask|label|labels|gt|groundtruth|y", e.Message);
    }

    [Fact]
    public void Open_TheImageFolderItself_PointsAtItsParent()
    {
        string root = TutorialLayouts.Write("membrane", _dir.Combine("train"), count: 1);

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(Path.Combine(root, "image")));

        Assert.Contains($"it is itself a folder of images: pass the folder above it, '{root}'", e.Message);
    }

    [Fact]
    public void Open_ParentOfTrainFolder_PointsAtTrain()
    {
        TutorialLayouts.Write("membrane", _dir.Combine("train"), count: 1);
        Directory.CreateDirectory(_dir.Combine("test"));

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(_dir.Path));

        Assert.Contains($"its train/ folder is a paired layout: pass '{_dir.Combine("train")}'", e.Message);
    }
}
