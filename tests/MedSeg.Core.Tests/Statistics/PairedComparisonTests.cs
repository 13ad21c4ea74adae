using MedSeg.Core.Statistics;

namespace MedSeg.Core.Tests.Statistics;

public sealed class PairedComparisonTests
{
    // Model B beats A on five images by 0.2..0.6 and loses "c" by 0.1; "g" exists only under A.
    private static readonly Dictionary<string, double> A = new()
    {
        ["a"] = 0.5, ["b"] = 0.4, ["c"] = 0.9, ["d"] = 0.3, ["e"] = 0.2, ["f"] = 0.1, ["g"] = 0.7,
    };
    private static readonly Dictionary<string, double> B = new()
    {
        ["a"] = 0.7, ["b"] = 0.8, ["c"] = 0.8, ["d"] = 0.6, ["e"] = 0.7, ["f"] = 0.7,
    };

    [Fact]
    public void Of_ConstructedPair_PairsByIdAndTestsTheDifferences()
    {
        var c = PairedComparison.Of("dice", higherIsBetter: true, A, B);

        Assert.Equal(6, c.Pairs);
        Assert.Equal((5, 1), (c.Improved, c.Regressed));
        Assert.Equal(2.4 / 6, c.MeanA, 12);
        Assert.Equal(4.3 / 6, c.MeanB, 12);
        Assert.Equal(1.9 / 6, c.MeanDifference, 12);
        // Differences 0.2, 0.4, −0.1, 0.3, 0.5, 0.6: the hand-computed case of WilcoxonSignedRankTests.
        Assert.Equal(1, c.Test.WMinus, 9);
        Assert.Equal(0.0625, c.Test.PValue, 12);
    }

    [Fact]
    public void Of_LowerIsBetter_CountsASmallerDistanceAsImproved()
    {
        var c = PairedComparison.Of("hd95", higherIsBetter: false, A, B);

        Assert.Equal((1, 5), (c.Improved, c.Regressed));
    }

    [Fact]
    public void MostRegressed_WorstFirstOnlyThoseThatGotWorse()
    {
        Assert.Equal(["c"], PairedComparison.MostRegressed(A, B, higherIsBetter: true, count: 3));
        Assert.Equal(["f", "e", "b"], PairedComparison.MostRegressed(A, B, higherIsBetter: false, count: 3));
    }

    [Fact]
    public void Of_UndefinedValues_DropOutOfThePairs()
    {
        var withNaN = new Dictionary<string, double>(B) { ["a"] = double.NaN };

        Assert.Equal(5, PairedComparison.Of("hd95", false, A, withNaN).Pairs);
    }
}
