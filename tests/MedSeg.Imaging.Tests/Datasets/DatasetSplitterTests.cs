using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Tests.Datasets;

public sealed class DatasetSplitterTests
{
    // 12 patients with 1..4 slices each: uneven groups, as in real MRI sets.
    private static readonly FakeDataset s_patients = new(30, group: i => $"patient{(i * 7 % 30) % 12}");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    public void Split_GroupedSamples_NeverPutsAPatientInBothParts(int seed)
    {
        DatasetSplit split = DatasetSplitter.Split(s_patients, 0.25, seed);

        var trainGroups = split.Train.Select(i => s_patients.Describe(i).Group).ToHashSet();
        var valGroups = split.Val.Select(i => s_patients.Describe(i).Group).ToHashSet();
        Assert.Equal("group", split.Strategy);
        Assert.Empty(trainGroups.Intersect(valGroups));
        Assert.Equal(Enumerable.Range(0, 30), split.Train.Concat(split.Val).Order());
        Assert.NotEmpty(split.Train);
        Assert.NotEmpty(split.Val);
        Assert.Equal(valGroups.Order(StringComparer.Ordinal), split.ValGroups);
        Assert.Equal(trainGroups.Order(StringComparer.Ordinal), split.TrainGroups);
    }

    [Fact]
    public void Split_SameSeed_GivesSameSplit()
    {
        DatasetSplit a = DatasetSplitter.Split(s_patients, 0.3, 123);
        DatasetSplit b = DatasetSplitter.Split(s_patients, 0.3, 123);

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Val, b.Val);
        Assert.Equal(a.ValIds, b.ValIds);
    }

    [Fact]
    public void Split_DifferentSeeds_GiveDifferentSplits()
    {
        int[][] vals = Enumerable.Range(0, 8).Select(seed => DatasetSplitter.Split(s_patients, 0.3, seed).Val).ToArray();

        Assert.True(vals.Distinct(new SequenceComparer()).Count() > 1);
    }

    [Fact]
    public void Split_GroupedSamples_ValShareNearTarget()
    {
        DatasetSplit split = DatasetSplitter.Split(s_patients, 0.2, 5);

        // Whole groups overshoot by at most one group (here at most 4 slices).
        Assert.InRange(split.Val.Length, 6, 6 + 4);
    }

    [Fact]
    public void Split_NoGroups_SplitsRandomlyBySample()
    {
        var ds = new FakeDataset(20);

        DatasetSplit split = DatasetSplitter.Split(ds, 0.25, 1);

        Assert.Equal("random", split.Strategy);
        Assert.Equal(5, split.Val.Length);
        Assert.Equal(15, split.Train.Length);
        Assert.Empty(split.Train.Intersect(split.Val));
        Assert.Equal(split.Val.Select(i => $"s{i}"), split.ValIds);
        Assert.Empty(split.ValGroups);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.99)]
    public void Split_TwoSamplesExtremeFraction_KeepsOneInEachPart(double valFraction)
    {
        DatasetSplit random = DatasetSplitter.Split(new FakeDataset(2), valFraction, 1);
        DatasetSplit grouped = DatasetSplitter.Split(new FakeDataset(2, group: i => $"p{i}"), valFraction, 1);

        Assert.Single(random.Train);
        Assert.Single(random.Val);
        Assert.Single(grouped.Train);
        Assert.Single(grouped.Val);
    }

    [Fact]
    public void Split_OneGroupOnly_FallsBackToRandom()
    {
        var ds = new FakeDataset(4, group: _ => "onlypatient");

        DatasetSplit split = DatasetSplitter.Split(ds, 0.5, 1);

        Assert.Equal("random", split.Strategy);
        Assert.Equal(2, split.Val.Length);
    }

    [Fact]
    public void Split_OneSample_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(new FakeDataset(1), 0.2, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideOpenUnitInterval_Throws(double valFraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(new FakeDataset(5), valFraction, 1));
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(int[] obj) => obj.Aggregate(17, (h, v) => (h * 31) + v);
    }
}
