using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DatasetFingerprintTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Measure_CtLikeSliceWithAThinStrip_ReadsKindPercentilesFrequenciesAndWidth()
    {
        // 40×40 int16 "CT": air −1000, a 2-pixel-wide horizontal strip of soft tissue at 40 HU.
        using (var image = new Mat(40, 40, MatType.CV_16SC1, Scalar.All(-1000)))
        using (var mask = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(0)))
        {
            image.RowRange(10, 12).SetTo(Scalar.All(40));
            mask.RowRange(10, 12).SetTo(Scalar.All(255));
            _dir.Write(image, "images", "a.tif");
            _dir.Write(mask, "masks", "a.png");
        }

        var f = DatasetFingerprint.Measure(new PairedFolderDataset(_dir.Path));

        Assert.Equal((1, 40, 40), (f.Images, f.MedianWidth, f.MedianHeight));
        Assert.Equal("16-bit signed", f.Depth);
        Assert.True(f.LooksLikeCt);
        Assert.Equal((-1000.0, 40.0), (f.ValueMin, f.ValueMax));
        Assert.Equal((40.0, 40.0, 40.0), (f.ForegroundLow, f.ForegroundMedian, f.ForegroundHigh));
        Assert.Equal(80.0 / 1600, f.ForegroundFraction, 12);
        Assert.Equal(1.0, f.ClassFrequencies.Sum(), 12);
        Assert.Equal(2.0, f.StructureWidth, 1); // area 80, boundary 80 (every strip pixel touches air or the border)
        Assert.Equal(1.0, f.NonZeroBoxFraction, 12); // air is −1000, not zero: nothing to crop
    }

    [Fact]
    public void Measure_ThinClassBesideAThickOne_MeasuresEachClassItsOwnWidth()
    {
        // Class 1: a 20×20 block; class 2: a 2-row strip touching it (a skull ring beside tissue, in small).
        using (var image = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(10)))
        using (var mask = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(0)))
        {
            mask[new Rect(2, 2, 20, 20)].SetTo(Scalar.All(1));
            mask.RowRange(22, 24).SetTo(Scalar.All(2));
            _dir.Write(image, "images", "a.png");
            _dir.Write(mask, "masks", "a.png");
        }
        File.WriteAllText(System.IO.Path.Combine(_dir.Path, "classes.txt"), "background\nblock\nstrip\n");

        var f = DatasetFingerprint.Measure(new PairedFolderDataset(_dir.Path, multiClass: true));

        Assert.True(f.ClassStructureWidths[0] > 4, $"the background is wider than the strip here: {f.ClassStructureWidths[0]}");
        Assert.Equal(2.0 * 400 / 76, f.ClassStructureWidths[1], 6); // its 76 edge pixels, the side touching the strip included
        Assert.Equal(2.0, f.ClassStructureWidths[2], 6);             // every strip pixel touches another id
        Assert.Equal(2.0, f.FinestStructureWidth, 6);
        Assert.True(f.StructureWidth > 2.0, $"the any-foreground width hides the strip: {f.StructureWidth}");
    }

    [Fact]
    public void Measure_CellsLabelledWithThinBackgroundBetween_TheBackgroundIsTheFinestStructure()
    {
        // ISBI 2012's convention in small: cells are 255, the 2-px membranes between them 0.
        using (var image = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(10)))
        using (var mask = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(255)))
        {
            mask.RowRange(19, 21).SetTo(Scalar.All(0));
            mask.ColRange(19, 21).SetTo(Scalar.All(0));
            _dir.Write(image, "images", "a.png");
            _dir.Write(mask, "masks", "a.png");
        }

        var f = DatasetFingerprint.Measure(new PairedFolderDataset(_dir.Path));

        Assert.True(f.StructureWidth > 10, $"the cells are wide: {f.StructureWidth}");
        // 156 membrane pixels, all but the 4 at the crossing touching a cell: 2·156/152.
        Assert.Equal(2.0 * 156 / 152, f.ClassStructureWidths[0], 6);
        Assert.Equal(f.ClassStructureWidths[0], f.FinestStructureWidth, 12);
    }

    [Fact]
    public void Measure_SkullStrippedSlice_ReadsTheNonZeroBoxShare()
    {
        // 40×40 16-bit "brain-extracted MRI": tissue only in a 20×16 box, exact zeros around it.
        using (var image = new Mat(40, 40, MatType.CV_16UC1, Scalar.All(0)))
        using (var mask = new Mat(40, 40, MatType.CV_8UC1, Scalar.All(0)))
        {
            image[new Rect(10, 12, 20, 16)].SetTo(Scalar.All(900));
            mask[new Rect(14, 16, 8, 8)].SetTo(Scalar.All(255));
            _dir.Write(image, "images", "a.tif");
            _dir.Write(mask, "masks", "a.png");
        }

        var f = DatasetFingerprint.Measure(new PairedFolderDataset(_dir.Path));

        Assert.Equal("16-bit", f.Depth);
        Assert.Equal(20.0 * 16 / 1600, f.NonZeroBoxFraction, 12);
    }

    [Fact]
    public void Measure_EightBitMri_IsNotCt()
    {
        using var ds = (StackPairDataset)DatasetFactory.Open(StackPairDatasetTests.BrainSpec);

        var f = DatasetFingerprint.Measure(ds, maxImages: 5);

        Assert.Equal("8-bit", f.Depth);
        Assert.False(f.LooksLikeCt);
        Assert.InRange(f.ForegroundFraction, 0.15, 0.6);
        Assert.True(f.StructureWidth > 10, $"the brain is a large structure, got {f.StructureWidth}");
    }
}
