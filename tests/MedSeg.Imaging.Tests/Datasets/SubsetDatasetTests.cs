using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class SubsetDatasetTests
{
    [Fact]
    public void Describe_Subset_MapsToInnerIndices()
    {
        var inner = new FakeDataset(10, group: i => $"p{i / 2}");

        var subset = new SubsetDataset(inner, [7, 2]);

        Assert.Equal(2, subset.Count);
        Assert.Equal("s7", subset.Describe(0).Id);
        Assert.Equal("p1", subset.Describe(1).Group);
        Assert.Same(inner.ClassNames, subset.ClassNames);
        Assert.Contains("2 of 10", subset.Name);
    }

    [Fact]
    public void Load_Subset_LoadsInnerSample()
    {
        var subset = new SubsetDataset(new FakeDataset(10), [4]);

        using LabeledImage sample = subset.Load(0);

        Assert.Equal("s4", sample.Id);
        Assert.Equal(4, sample.Image.Get<byte>(0, 0));
    }

    [Fact]
    public void Constructor_IndexOutsideInner_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubsetDataset(new FakeDataset(3), [0, 3]));
    }

    [Fact]
    public void Describe_IndexOutsideSubset_Throws()
    {
        var subset = new SubsetDataset(new FakeDataset(3), [1]);

        Assert.Throws<ArgumentOutOfRangeException>(() => subset.Describe(1));
    }
}
