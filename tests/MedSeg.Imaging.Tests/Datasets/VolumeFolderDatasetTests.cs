using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>imagesTr/ + labelsTr/ as the Medical Segmentation Decathlon and nnU-Net v2 ship them, written by nibabel.</summary>
public sealed class VolumeFolderDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("decathlon")]
    [InlineData("nnunet")]
    public void Open_DecathlonFolder_SlicesEveryCaseGroupedByCaseWithNamedClasses(string kind)
    {
        string root = TutorialLayouts.Write(kind, _dir.Combine(kind), count: 4, size: 32);

        using var ds = Assert.IsType<VolumeFolderDataset>(DatasetFactory.Open(root));

        Assert.Equal(12, ds.Count);
        Assert.Equal(new[] { "background", "organ", "lesion" }, ds.ClassNames);
        Assert.Equal(0.7, ds.Spacing!.Value, 5);
        Assert.Equal(("la_002/slice-0001", "la_002"), (ds.Describe(5).Id, ds.Describe(5).Group));
        Assert.EndsWith(kind == "nnunet" ? "la_002_0000.nii.gz z=1" : "la_002.nii.gz z=1", ds.Describe(5).Source);
        using LabeledImage even = ds.Load(4), odd = ds.Load(5);
        Assert.Equal(MatType.CV_16SC1, even.Image.Type());
        Assert.Equal(new Size(32, 16), even.Image.Size()); // x columns × y rows
        Cv2.MinMaxLoc(even.Mask, out double _, out double evenMax);
        Cv2.MinMaxLoc(odd.Mask, out double _, out double oddMax);
        Assert.Equal((2, 1), (evenMax, oddMax)); // the lesion is on even slices only
        Assert.Contains(ds.Notes, n => n.Contains("class names from dataset.json: 0 background, 1 organ, 2 lesion"));
        if (kind == "nnunet") Assert.Contains(ds.Notes, n => n.Contains("3 file(s) of channels other than 0"));
        var split = DatasetSplitter.Split(ds, 0.3, seed: 1);
        var trainCases = split.Train.Select(i => ds.Describe(i).Group).ToHashSet();
        Assert.DoesNotContain(split.Val, i => trainCases.Contains(ds.Describe(i).Group));
    }

    [Fact]
    public void ClassNames_WithoutDatasetJson_AreTheLargestIdOverAllCases()
    {
        string root = TutorialLayouts.Write("decathlon", _dir.Combine("d"), count: 2, size: 32);
        File.Delete(Path.Combine(root, "dataset.json"));

        using var ds = new VolumeFolderDataset(root);

        Assert.Equal(new[] { "background", "class1", "class2" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("no dataset.json labels"));
    }

    [Theory]
    [InlineData("crc")]
    [InlineData("truncated")]
    public void Open_CorruptVoxelData_ConstructsAndTheCaseFailsNamedOnlyWhenItsSliceLoads(string damage)
    {
        // Opening reads headers only (slice counts, spacing) and names classes from dataset.json, so a
        // case whose voxels cannot be decompressed costs nothing until one of its slices is asked for.
        string root = TutorialLayouts.Write("decathlon", _dir.Combine("d"), count: 3, size: 32);
        string broken = Path.Combine(root, "imagesTr", "la_002.nii.gz");
        byte[] bytes = File.ReadAllBytes(broken);
        if (damage == "crc") bytes[^8] ^= 0xFF;      // the trailer's CRC-32: every compressed byte still inflates
        else bytes = bytes[..^40];                   // the end of the deflate stream and the trailer are gone
        File.WriteAllBytes(broken, bytes);

        using var ds = new VolumeFolderDataset(root);

        Assert.Equal(9, ds.Count);
        Assert.Equal(new[] { "background", "organ", "lesion" }, ds.ClassNames);
        using (LabeledImage first = ds.Load(0)) Assert.Equal(new Size(32, 16), first.Image.Size());
        var e = Assert.Throws<DatasetException>(() => ds.Load(3));
        Assert.Contains("la_002.nii.gz", e.Message);
        Assert.Equal(e.Message, Assert.Throws<DatasetException>(() => ds.Load(4)).Message); // each of its slices, the same reason
        using (LabeledImage last = ds.Load(8)) Assert.Equal(new Size(32, 16), last.Image.Size());
        // What `train` / `eval` check first: the case's slices are bad samples (--skip-bad leaves them out), not a crash.
        Assert.Equal(new[] { 3, 4, 5 }, DatasetValidator.Validate(ds, null, CancellationToken.None).Select(static b => b.Index));
    }

    [Fact]
    public void ClassNames_WithoutDatasetJson_UnreadableLabelCaseIsLeftOutAndFailsOnlyOnItsSlices()
    {
        string root = TutorialLayouts.Write("decathlon", _dir.Combine("d"), count: 3, size: 32);
        File.Delete(Path.Combine(root, "dataset.json"));
        string broken = Path.Combine(root, "labelsTr", "la_003.nii.gz");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..^40]);

        using var ds = new VolumeFolderDataset(root);

        Assert.Equal(new[] { "background", "class1", "class2" }, ds.ClassNames);
        Assert.Contains(ds.Notes, n => n.Contains("1 case(s) unreadable"));
        Assert.Contains("la_003.nii.gz", Assert.Throws<DatasetException>(() => ds.Load(6)).Message);
    }

    [Fact]
    public void Open_ImageWithoutLabels_IsSkippedAndSaid()
    {
        string root = TutorialLayouts.Write("decathlon", _dir.Combine("d"), count: 2, size: 32);
        File.Delete(Path.Combine(root, "labelsTr", "la_003.nii.gz"));

        using var ds = new VolumeFolderDataset(root);

        Assert.Equal(4, ds.Count);
        Assert.Contains(ds.Notes, n => n.Contains("skipped la_003.nii.gz: no la_003.nii.gz in labelsTr/"));
    }
}
