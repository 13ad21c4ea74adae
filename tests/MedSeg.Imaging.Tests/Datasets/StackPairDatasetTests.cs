using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Formats;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>
/// The real Colin27 T1 MRI of Debian's mricron-data (scripts/setup.sh --tests installs it) through the
/// older nifti-pair: name, and ISBI-2012-like TIFF stacks written by PIL (Debian's python3-pil).
/// </summary>
public sealed class StackPairDatasetTests
{
    public const string Templates = "/usr/share/mricron/templates";
    public static readonly string BrainSpec =
        $"{StackPairDataset.NiftiPrefix}{Templates}/ch2.nii.gz?labels={Templates}/ch2bet.nii.gz&threshold=0&slices=80-99";

    [Fact]
    public void Open_Colin27WithBrainMask_CutsSlicesWithBinaryMasksGroupedInBlocks()
    {
        using var ds = (StackPairDataset)DatasetFactory.Open(BrainSpec);

        Assert.Equal(20, ds.Count);
        Assert.Equal(new[] { "background", "foreground" }, ds.ClassNames);
        Assert.Equal("slice-0080", ds.Describe(0).Id);
        Assert.Equal("block-0008", ds.Describe(0).Group);
        Assert.Equal("block-0009", ds.Describe(19).Group);
        using LabeledImage s = ds.Load(10);
        Assert.Equal(MatType.CV_8UC1, s.Image.Type());
        Assert.Equal(new Size(181, 217), s.Image.Size());
        Assert.Equal(s.Image.Size(), s.Mask.Size());
        Cv2.MinMaxLoc(s.Mask, out double _, out double maxId);
        Assert.Equal(1, maxId);
        double brain = Cv2.CountNonZero(s.Mask) / (double)s.Mask.Total();
        Assert.InRange(brain, 0.2, 0.7); // a mid-brain axial slice
        Assert.Equal(1.0, ds.Spacing!.Value, 6); // Colin27 is 1 mm
    }

    [Fact]
    public void Split_ByBlocks_NeverPutsOneBlockOnBothSides()
    {
        using var ds = (StackPairDataset)DatasetFactory.Open(BrainSpec);

        var split = DatasetSplitter.Split(ds, 0.5, seed: 3);

        Assert.Equal(DatasetSplit.GroupStrategy, split.Strategy);
        var trainBlocks = split.Train.Select(i => ds.Describe(i).Group).ToHashSet();
        Assert.DoesNotContain(split.Val, i => trainBlocks.Contains(ds.Describe(i).Group));
    }

    [Theory]
    [InlineData("?threshold=0", "needs a label stack")]
    [InlineData("?labels=x.nii&axis=w", "nifti-pair option axis=w: expected x, y, z")]
    [InlineData("?labels=x.nii&colour=red", "unknown nifti-pair option 'colour'")]
    [InlineData("?labels=x.nii&slices=9", "nifti-pair option slices=9: expected FIRST-LAST")]
    [InlineData("?labels=x.nii&block=2.5", "nifti-pair option block=2.5 is not a valid Int32")]
    [InlineData("?labels=x.nii&threshold=half", "nifti-pair option threshold=half is not a valid Double")]
    [InlineData("?labels=x.nii&block=0", "nifti-pair option block=0: must be ≥ 1")]
    public void Open_BadOption_SaysWhich(string options, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{StackPairDataset.NiftiPrefix}{Templates}/ch2.nii.gz{options}"));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ClassNames_AtlasWithoutThreshold_AreTheLabelIds()
    {
        using var ds = (StackPairDataset)DatasetFactory.Open($"{StackPairDataset.Prefix}{Templates}/ch2.nii.gz?labels={Templates}/aal.nii.gz&slices=80-81");
        using LabeledImage s = ds.Load(0);

        Cv2.MinMaxLoc(s.Mask, out double _, out double maxId);
        Assert.True(maxId > 10, $"AAL slice 80 holds ids up to {maxId}");
        Assert.True(ds.ClassNames.Count > maxId);
        Assert.Equal("class1", ds.ClassNames[1]);
    }

    [Fact]
    public void Load_LabelsAbove255WithoutThreshold_StopsSayingThreshold()
    {
        using var dir = new TempDirectory();
        string img = NiftiWriter.Write(dir.Combine("img.nii"), NiftiWriter.Build([2, 2, 1], 4, 16, NiftiWriter.Int16s([0, 1, 2, 3])));
        string lbl = NiftiWriter.Write(dir.Combine("lbl.nii"), NiftiWriter.Build([2, 2, 1], 4, 16, NiftiWriter.Int16s([0, 0, 300, 1])));
        using var ds = (StackPairDataset)DatasetFactory.Open($"{StackPairDataset.Prefix}{img}?labels={lbl}");

        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.Contains("threshold=T", e.Reason);
        Assert.Equal(MatType.CV_16SC1, DatasetFactory.Open($"{StackPairDataset.Prefix}{img}?labels={lbl}&threshold=0").Load(0).Image.Type());
    }

    [Fact]
    public void Open_IsbiTiffStacks_ZeroAnd255LabelsAreBinaryAndBlocksAdaptToTheStack()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 30, size: 32);
        string spec = $"{StackPairDataset.Prefix}{root}/train-volume.tif?labels={root}/train-labels.tif";

        using var ds = (StackPairDataset)DatasetFactory.Open(spec);

        Assert.Equal(30, ds.Count);
        Assert.Equal(new[] { "background", "foreground" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("only 0 and 255: read as binary"));
        Assert.Equal(3, ds.Block); // 30 pages → 10 groups of 3, not 3 groups of 10
        Assert.Equal(10, Enumerable.Range(0, ds.Count).Select(i => ds.Describe(i).Group).Distinct().Count());
        Assert.EndsWith("train-volume.tif page 4", ds.Describe(4).Source);
        using LabeledImage s = ds.Load(4);
        Assert.Equal(MatType.CV_8UC1, s.Image.Type());
        Assert.True(Cv2.ImReadMulti($"{root}/train-labels.tif", out Mat[] labels, ImreadModes.Unchanged));
        int cells = Cv2.CountNonZero(labels[4]);
        foreach (Mat m in labels) m.Dispose();
        Assert.Equal(cells, Mats.CountEqual(s.Mask, 1));
        Cv2.MinMaxLoc(s.Mask, out double _, out double maxId);
        Assert.Equal(1, maxId);
        Assert.Equal(spec, ds.Name);
        Assert.Null(ds.Spacing); // a TIFF states none
    }

    [Fact]
    public void Open_IsbiDownloadFolder_IsDetectedAsItsOneLabelledPair()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 6);

        using var ds = Assert.IsType<StackPairDataset>(DatasetFactory.Open(root));

        Assert.Equal(6, ds.Count);
        Assert.Contains("train-volume.tif?labels=", ds.Name); // test-volume.tif has no labels: not a pair
    }

    [Fact]
    public void Open_SlicesRangeAndBlock_KeepThatRangeInGroups()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 12);

        using var ds = (StackPairDataset)DatasetFactory.Open($"{StackPairDataset.Prefix}{root}/train-volume.tif?labels={root}/train-labels.tif&slices=8-11&block=2");

        Assert.Equal(new[] { "slice-0008", "slice-0011" }, new[] { ds.Describe(0).Id, ds.Describe(3).Id });
        Assert.Equal(new[] { "block-0004", "block-0005" }, new[] { ds.Describe(0).Group, ds.Describe(3).Group });
    }

    [Fact]
    public void Open_LabelStackWithFewerPages_SaysTheGridsDiffer()
    {
        using var dir = new TempDirectory();
        string a = TutorialLayouts.Write("isbi", dir.Combine("a"), count: 6);
        string b = TutorialLayouts.Write("isbi", dir.Combine("b"), count: 5);

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{StackPairDataset.Prefix}{a}/train-volume.tif?labels={b}/train-labels.tif"));

        Assert.Contains("32×32×5 along z but", e.Message);
        Assert.Contains("must share one grid", e.Message);
    }

    [Fact]
    public void Open_TiffCutAlongX_SaysOnlyNiftiHasOtherAxes()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 2);

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{StackPairDataset.Prefix}{root}/train-volume.tif?labels={root}/train-labels.tif&axis=x"));

        Assert.Contains("axis x needs a NIfTI volume; a TIFF stack is cut along z only", e.Message);
    }

    [Fact]
    public void Notes_GreyImageGivenAsLabels_SayToPassThreshold()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 2, size: 64);

        using var ds = (StackPairDataset)DatasetFactory.Open($"{StackPairDataset.Prefix}{root}/train-volume.tif?labels={root}/test-volume.tif");

        Assert.True(ds.ClassNames.Count > 100);
        Assert.Contains(ds.Notes, n => n.Contains("distinct values") && n.Contains("test-volume.tif is an image or a probability map, pass threshold=T"));
    }

    [Fact]
    public void Open_OneStackAsData_SaysHowToPairIt()
    {
        using var dir = new TempDirectory();
        string root = TutorialLayouts.Write("isbi", dir.Combine("isbi"), count: 2);

        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{root}/train-volume.tif"));

        Assert.Contains($"{StackPairDataset.Prefix}{root}/train-volume.tif?labels=LABELS", e.Message);
    }

    [Fact]
    public void Open_NotAStack_ListsTheKindsItReads()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{StackPairDataset.Prefix}{Templates}/ch2.nii.gz?labels=labels.png"));

        Assert.Contains("labels.png: not a slice stack; expected .nii, .nii.gz, .tif, .tiff or a folder", e.Message);
    }

    [Fact]
    public void Load_DicomSeriesWithNiftiLabels_PairsEverySliceByPosition()
    {
        // The labels are the same CT thresholded, so any slice or row mismatch shows as mask ≠ (HU > 0).
        using var dir = new TempDirectory();
        string root = TutorialLayouts.WriteCtSeries(dir.Combine("ct"));

        using var ds = (StackPairDataset)DatasetFactory.Open($"{StackPairDataset.Prefix}{root}/dcm?labels={root}/ct.nii.gz&threshold=0");

        Assert.Equal(12, ds.Count);
        Assert.Equal((0.8 + 0.75) / 2, ds.Spacing!.Value, 6); // PixelSpacing 0.8 (rows) \ 0.75 (columns)
        Assert.Equal(ds.Spacing, DatasetFingerprint.Measure(ds).Spacing);
        int foreground = 0;
        for (int i = 0; i < ds.Count; i++)
        {
            using LabeledImage s = ds.Load(i);
            Assert.Equal(MatType.CV_16SC1, s.Image.Type());
            Assert.Equal(new Size(40, 32), s.Image.Size());
            using Mat positive = s.Image.GreaterThan(0);
            using Mat labelled = s.Mask.GreaterThan(0);
            using Mat differ = new();
            Cv2.Compare(positive, labelled, differ, CmpTypes.NE);
            Assert.True(Cv2.CountNonZero(differ) == 0, $"{s.Id}: {Cv2.CountNonZero(differ)} pixels where the NIfTI label disagrees with the DICOM slice");
            foreground += Cv2.CountNonZero(s.Mask);
        }
        Assert.True(foreground > 0);
    }
}
