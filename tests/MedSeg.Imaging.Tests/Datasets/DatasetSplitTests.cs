using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Tests.Io;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DatasetSplitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SaveLoad_GroupSplit_RoundTripsEveryField()
    {
        var ds = new FakeDataset(12, group: i => $"p{i % 4}");
        DatasetSplit split = DatasetSplitter.Split(ds, 0.25, 9);
        string path = _dir.Combine("runs", "split.json");

        split.Save(path);
        DatasetSplit loaded = DatasetSplit.Load(path);

        Assert.Equal(split.Train, loaded.Train);
        Assert.Equal(split.Val, loaded.Val);
        Assert.Equal(9, loaded.Seed);
        Assert.Equal("group", loaded.Strategy);
        Assert.Equal(split.TrainIds, loaded.TrainIds);
        Assert.Equal(split.ValIds, loaded.ValIds);
        Assert.Equal(split.TrainGroups, loaded.TrainGroups);
        Assert.Equal(split.ValGroups, loaded.ValGroups);
        string json = File.ReadAllText(path);
        Assert.Contains("\"strategy\": \"group\"", json);
        Assert.Contains("\"ids\"", json);
        Assert.Contains("\"groups\"", json);
    }

    [Fact]
    public void Load_NotJson_ThrowsDatasetExceptionNamingFile()
    {
        string path = _dir.Combine("split.json");
        File.WriteAllText(path, "{ not json");

        var e = Assert.Throws<DatasetException>(() => DatasetSplit.Load(path));

        Assert.Equal(path, e.Path);
        Assert.Contains("not a split file", e.Reason);
    }

    [Fact]
    public void Load_MissingParts_ThrowsDatasetException()
    {
        string path = _dir.Combine("split.json");
        File.WriteAllText(path, "{ \"strategy\": \"random\", \"seed\": 1 }");

        var e = Assert.Throws<DatasetException>(() => DatasetSplit.Load(path));

        Assert.Contains("train and val", e.Reason);
    }

    [Fact]
    public void Apply_ReorderedDataset_FindsSamplesById()
    {
        var split = new DatasetSplit([0, 1], [2], 1, "random", ["s0", "s1"], ["s2"], [], []);
        var reordered = new SubsetDataset(new FakeDataset(4), [3, 2, 1, 0]);

        (SubsetDataset train, SubsetDataset val) = split.Apply(reordered);

        Assert.Equal(new[] { "s0", "s1" }, new[] { train.Describe(0).Id, train.Describe(1).Id });
        Assert.Equal("s2", val.Describe(0).Id);
    }

    [Fact]
    public void Apply_UnknownId_ThrowsNamingIt()
    {
        var split = new DatasetSplit([0], [1], 1, "random", ["s0"], ["gone"], [], []);

        var e = Assert.Throws<ArgumentException>(() => split.Apply(new FakeDataset(2)));

        Assert.Contains("gone", e.Message);
    }
}
