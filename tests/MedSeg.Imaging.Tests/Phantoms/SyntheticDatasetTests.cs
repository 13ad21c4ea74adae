using MedSeg.Imaging.Phantoms;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Phantoms;

public sealed class SyntheticDatasetTests
{
    [Theory]
    [InlineData(SyntheticTask.Lungs)]
    [InlineData(SyntheticTask.Lesion)]
    [InlineData(SyntheticTask.Mri)]
    public void Load_SameSeedAndIndex_GivesIdenticalPixels(SyntheticTask task)
    {
        var first = new SyntheticDataset(task, count: 20, seed: 5);
        var second = new SyntheticDataset(task, count: 20, seed: 5);
        using (second.Load(3)) { } // a different call order must not matter

        using var a = first.Load(7);
        using var b = second.Load(7);

        Assert.Equal(MaskGeometry.Bytes(a.Image), MaskGeometry.Bytes(b.Image));
        Assert.Equal(MaskGeometry.Bytes(a.Mask), MaskGeometry.Bytes(b.Mask));
    }

    [Theory]
    [InlineData(SyntheticTask.Lungs)]
    [InlineData(SyntheticTask.Lesion)]
    [InlineData(SyntheticTask.Mri)]
    public void Load_DifferentIndexOrSeed_GivesDifferentPixels(SyntheticTask task)
    {
        using var a = new SyntheticDataset(task, count: 20, seed: 5).Load(7);
        using var otherIndex = new SyntheticDataset(task, count: 20, seed: 5).Load(8);
        using var otherSeed = new SyntheticDataset(task, count: 20, seed: 6).Load(7);

        Assert.NotEqual(MaskGeometry.Bytes(a.Image), MaskGeometry.Bytes(otherIndex.Image));
        Assert.NotEqual(MaskGeometry.Bytes(a.Image), MaskGeometry.Bytes(otherSeed.Image));
    }

    [Theory]
    [InlineData(SyntheticTask.Lungs, 128)]
    [InlineData(SyntheticTask.Lesion, 96)]
    [InlineData(SyntheticTask.Mri, 64)]
    public void Load_AnyTask_ReturnsEightBitImageAndBinaryMaskOfRequestedSize(SyntheticTask task, int size)
    {
        using var sample = new SyntheticDataset(task, count: 4, size: size).Load(1);

        Assert.Equal(MatType.CV_8UC1, sample.Image.Type());
        Assert.Equal(MatType.CV_8UC1, sample.Mask.Type());
        Assert.Equal(new Size(size, size), sample.Image.Size());
        Assert.Equal(new Size(size, size), sample.Mask.Size());
        Assert.All(MaskGeometry.Bytes(sample.Mask), id => Assert.True(id <= 1, $"id {id}"));
    }

    [Theory]
    [InlineData(SyntheticTask.Lesion)]
    [InlineData(SyntheticTask.Mri)]
    public void Load_LesionTasks_MostMasksNonEmptyAndSomeEmpty(SyntheticTask task)
    {
        var dataset = new SyntheticDataset(task, count: 100);
        int empty = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            if (Cv2.CountNonZero(sample.Mask) == 0) empty++;
        }

        Assert.InRange(empty, 2, 20);
    }

    [Fact]
    public void Load_LungsTask_EveryMaskHasTwoLungFields()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Lungs, count: 10);
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            using var labels = new Mat();
            int components = Cv2.ConnectedComponents(sample.Mask, labels) - 1;
            Assert.Equal(2, components);
        }
    }

    [Fact]
    public void Load_LesionTask_LesionClearlyDarkerThanSurroundings()
    {
        // What makes the task learnable: the interior is far darker than the speckled tissue around it.
        var dataset = new SyntheticDataset(SyntheticTask.Lesion, count: 40);
        int checkedSamples = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            if (Cv2.CountNonZero(sample.Mask) == 0) continue;
            var (inside, around) = MaskGeometry.InsideVersusAround(sample.Image, sample.Mask);
            Assert.True(around - inside > 50, $"sample {i}: inside {inside:F0}, around {around:F0}");
            checkedSamples++;
        }
        Assert.True(checkedSamples >= 30);
    }

    [Fact]
    public void Load_LesionTask_LesionsAreNotTiny()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Lesion, count: 40, size: 128);
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            using var labels = new Mat();
            using var stats = new Mat();
            using var centroids = new Mat();
            int count = Cv2.ConnectedComponentsWithStats(sample.Mask, labels, stats, centroids);
            for (int label = 1; label < count; label++)
            {
                int width = stats.At<int>(label, (int)ConnectedComponentsTypes.Width);
                int height = stats.At<int>(label, (int)ConnectedComponentsTypes.Height);
                // 8 %–25 % of the width is 10–32 px at 128; allow a little for shape and rotation.
                Assert.InRange(Math.Max(width, height), 9, 40);
            }
        }
    }

    [Fact]
    public void Load_MriTask_LesionBrighterThanSurroundings()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Mri, count: 20);
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            if (Cv2.CountNonZero(sample.Mask) == 0) continue;
            var (inside, around) = MaskGeometry.InsideVersusAround(sample.Image, sample.Mask);
            Assert.True(inside - around > 50, $"sample {i}: inside {inside:F0}, around {around:F0}");
        }
    }

    [Fact]
    public void Load_LungsTask_LungsDarkerThanSurroundings()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Lungs, count: 10);
        for (int i = 0; i < dataset.Count; i++)
        {
            using var sample = dataset.Load(i);
            var (inside, around) = MaskGeometry.InsideVersusAround(sample.Image, sample.Mask);
            Assert.True(around - inside > 40, $"sample {i}: inside {inside:F0}, around {around:F0}");
        }
    }

    [Fact]
    public void Describe_Lesion_NamesSourceAndHasNoGroup()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Lesion, count: 10);

        var info = dataset.Describe(3);

        Assert.Equal("synthetic:lesion", dataset.Name);
        Assert.Equal(["background", "lesion"], dataset.ClassNames);
        Assert.Equal("synthetic:lesion#3", info.Source);
        Assert.Null(info.Group);
        Assert.Equal(10, Enumerable.Range(0, 10).Select(i => dataset.Describe(i).Id).Distinct().Count());
        using var sample = dataset.Load(3);
        Assert.Equal(info.Id, sample.Id);
    }

    [Fact]
    public void ClassNames_Lungs_AreBackgroundAndLung()
    {
        var dataset = new SyntheticDataset(SyntheticTask.Lungs);

        Assert.Equal(["background", "lung"], dataset.ClassNames);
        Assert.Equal("synthetic:lungs", dataset.Name);
        Assert.Equal(400, dataset.Count);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Load_IndexOutOfRange_Throws(int index)
    {
        var dataset = new SyntheticDataset(SyntheticTask.Mri, count: 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Load(index));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Describe(index));
    }

    [Fact]
    public void Constructor_TooSmallSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticDataset(SyntheticTask.Lesion, size: 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticDataset(SyntheticTask.Lesion, count: -1));
    }
}
