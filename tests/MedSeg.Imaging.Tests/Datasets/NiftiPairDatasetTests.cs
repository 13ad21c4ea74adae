using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Formats;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>The real Colin27 T1 MRI of Debian's mricron-data (scripts/setup.sh --tests installs it).</summary>
public sealed class NiftiPairDatasetTests
{
    public const string Templates = "/usr/share/mricron/templates";
    public static readonly string BrainSpec =
        $"{NiftiPairDataset.Prefix}{Templates}/ch2.nii.gz?labels={Templates}/ch2bet.nii.gz&threshold=0&slices=80-99";

    [Fact]
    public void Open_Colin27WithBrainMask_CutsSlicesWithBinaryMasksGroupedInBlocks()
    {
        using var ds = (NiftiPairDataset)DatasetFactory.Open(BrainSpec);

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
    }

    [Fact]
    public void Split_ByBlocks_NeverPutsOneBlockOnBothSides()
    {
        using var ds = (NiftiPairDataset)DatasetFactory.Open(BrainSpec);

        var split = DatasetSplitter.Split(ds, 0.5, seed: 3);

        Assert.Equal(DatasetSplit.GroupStrategy, split.Strategy);
        var trainBlocks = split.Train.Select(i => ds.Describe(i).Group).ToHashSet();
        Assert.DoesNotContain(split.Val, i => trainBlocks.Contains(ds.Describe(i).Group));
    }

    [Theory]
    [InlineData("?threshold=0", "needs a label volume")]
    [InlineData("?labels=x.nii&axis=w", "nifti-pair option axis=w: expected x, y, z")]
    [InlineData("?labels=x.nii&colour=red", "unknown nifti-pair option 'colour'")]
    [InlineData("?labels=x.nii&slices=9", "nifti-pair option slices=9: expected FIRST-LAST")]
    [InlineData("?labels=x.nii&block=2.5", "nifti-pair option block=2.5 is not a valid Int32")]
    [InlineData("?labels=x.nii&threshold=half", "nifti-pair option threshold=half is not a valid Double")]
    [InlineData("?labels=x.nii&block=0", "nifti-pair option block=0: must be ≥ 1")]
    public void Open_BadOption_SaysWhich(string options, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open($"{NiftiPairDataset.Prefix}{Templates}/ch2.nii.gz{options}"));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ClassNames_AtlasWithoutThreshold_AreTheLabelIds()
    {
        using var ds = (NiftiPairDataset)DatasetFactory.Open($"{NiftiPairDataset.Prefix}{Templates}/ch2.nii.gz?labels={Templates}/aal.nii.gz&slices=80-81");
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
        using var ds = (NiftiPairDataset)DatasetFactory.Open($"{NiftiPairDataset.Prefix}{img}?labels={lbl}");

        var e = Assert.Throws<DatasetException>(() => ds.Load(0));

        Assert.Contains("threshold=T", e.Reason);
        Assert.Equal(MatType.CV_16SC1, DatasetFactory.Open($"{NiftiPairDataset.Prefix}{img}?labels={lbl}&threshold=0").Load(0).Image.Type());
    }
}
