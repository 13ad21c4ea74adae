using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DatasetValidatorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Validate_AllGood_ReturnsNothingAndReportsProgress()
    {
        FakeLayouts.Paired(_dir, "a", "b", "c");
        var ds = new PairedFolderDataset(_dir.Path);
        var progress = new RecordingProgress();

        IReadOnlyList<BadSample> bad = DatasetValidator.Validate(ds, progress, CancellationToken.None);

        Assert.Empty(bad);
        Assert.Equal(new[] { 1, 2, 3 }, progress.Values);
    }

    [Fact]
    public void Validate_BrokenSamples_ListsEachWithFileAndReason()
    {
        FakeLayouts.Paired(_dir, "a_good");
        using (Mat image = FakeLayouts.Gray(1))
        using (Mat small = Mats.Rect(8, 8, new Rect(0, 0, 2, 2)))
        {
            _dir.Write(image, "images", "b_nomask.png");
            _dir.Write(image, "images", "c_small.png");
            _dir.Write(small, "masks", "c_small.png");
            _dir.Write(image, "images", "e_badmask.png");
        }

        _dir.WriteGarbage("images", "d_corrupt.png");
        _dir.WriteGarbage("masks", "e_badmask.png");
        using (Mat mask = FakeLayouts.Gray(0))
        {
            _dir.Write(mask, "masks", "d_corrupt.png");
        }

        var ds = new PairedFolderDataset(_dir.Path);

        IReadOnlyList<BadSample> bad = DatasetValidator.Validate(ds, null, CancellationToken.None);

        Assert.Equal(new[] { 1, 2, 3, 4 }, bad.Select(b => b.Index));
        Assert.EndsWith("b_nomask.png", bad[0].Source);
        Assert.Contains("mask missing", bad[0].Reason);
        Assert.Equal("image 16x16 but mask 8x8", bad[1].Reason);
        Assert.EndsWith("d_corrupt.png", bad[2].Source);
        Assert.Contains("could not decode", bad[2].Reason);
        Assert.Contains(Path.Combine("masks", "e_badmask.png"), bad[3].Reason); // the mask, not the image, is broken
        Assert.Contains("#4", bad[3].ToString());
    }

    [Fact]
    public void Validate_ClassIdBeyondClassList_Flagged()
    {
        using (Mat image = FakeLayouts.Gray(1))
        using (Mat labels = Mats.Rect(FakeLayouts.Size, FakeLayouts.Size, new Rect(0, 0, 1, 1), value: 7))
        {
            _dir.Write(image, "images", "m.png");
            _dir.Write(labels, "masks", "m.png");
        }

        File.WriteAllLines(_dir.Combine("classes.txt"), ["background", "tumor"]);
        var ds = new PairedFolderDataset(_dir.Path, multiClass: true);

        IReadOnlyList<BadSample> bad = DatasetValidator.Validate(ds, null, CancellationToken.None);

        BadSample only = Assert.Single(bad);
        Assert.Equal("mask has class id 7 but the data set has 2 classes", only.Reason);
        Assert.EndsWith("m.png", only.Source);
    }

    [Fact]
    public void Validate_Cancelled_Throws()
    {
        var ds = new FakeDataset(5);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => DatasetValidator.Validate(ds, null, cts.Token));
    }

    [Fact]
    public void Validate_ThenExcluding_LeavesOnlyGoodSamples()
    {
        var ds = new FakeDataset(6, maskValue: i => (byte)(i % 3 == 0 ? 5 : 1));

        IReadOnlyList<BadSample> bad = DatasetValidator.Validate(ds, null, CancellationToken.None);
        SubsetDataset good = SubsetDataset.Excluding(ds, bad.Select(b => b.Index));

        Assert.Equal(new[] { 0, 3 }, bad.Select(b => b.Index));
        Assert.Equal(new[] { 1, 2, 4, 5 }, good.Indices);
        Assert.Empty(DatasetValidator.Validate(good, null, CancellationToken.None));
    }

    // Progress<T> posts to the thread pool; the test needs the values in order, synchronously.
    private sealed class RecordingProgress : IProgress<int>
    {
        public List<int> Values { get; } = [];

        public void Report(int value) => Values.Add(value);
    }
}
