using MedSeg.Core.Statistics;

namespace MedSeg.Core.Tests.Statistics;

public sealed class WilcoxonSignedRankTests
{
    [Fact]
    public void Test_SixDifferencesOneNegative_ExactPByHand()
    {
        // |d| ranks 1..6; only rank 1 is negative: W− = 1, W+ = 20. Of the 2^6 sign patterns,
        // W− ≤ 1 for two ({} and {1}): one-sided 2/64, two-sided 0.0625 (SciPy agrees).
        var r = WilcoxonSignedRank.Test([0.2, -0.1, 0.4, 0.3, 0.5, 0.6]);

        Assert.True(r.Exact);
        Assert.Equal((20.0, 1.0, 1.0), (r.WPlus, r.WMinus, r.Statistic));
        Assert.Equal(0.0625, r.PValue, 12);
    }

    [Fact]
    public void Test_AllEqualMagnitudes_ExactWithTiesCountsSignPatterns()
    {
        // Four ties of rank 2.5 each, three positive: W+ = 7.5. Patterns with ≥ 3 positives: 5 of 16;
        // with ≤ 3: 15 of 16. Two-sided p = 2 · 5/16.
        var r = WilcoxonSignedRank.Test([0.1, 0.1, -0.1, 0.1]);

        Assert.Equal(7.5, r.WPlus);
        Assert.Equal(10.0 / 16, r.PValue, 12);
    }

    [Fact]
    public void Test_ThirtyDifferences_NormalApproximationByHand()
    {
        // d = ±1..30, ranks 1, 2, 3 negative: W+ = 465 − 6 = 459, mean 232.5,
        // variance 30·31·61/24 = 2363.75, z = 226.5 / 48.6184 = 4.6587, p = 3.1817e-6 (SciPy: 3.181679e-6).
        var d = Enumerable.Range(1, 30).Select(i => i > 3 ? (double)i : -i).ToArray();

        var r = WilcoxonSignedRank.Test(d);

        Assert.False(r.Exact);
        Assert.Equal(459, r.WPlus);
        Assert.Equal(4.6587, r.Z, 4);
        Assert.Equal(3.181679e-6, r.PValue, 9);
    }

    [Fact]
    public void Test_TiesAndZerosAboveExactLimit_DropsZerosAndCorrectsVarianceForTies()
    {
        // Two zeros dropped → n = 30; tie groups {1,1,1}, {2,2,2}, {4,4}. SciPy (zero_method wilcox,
        // no continuity correction): statistic 9, p = 4.263241e-6.
        double[] d = [1, 1, -1, 2, 2, 2, -3, 4, 4, 5, 0, 0, .. Enumerable.Range(6, 20).Select(static i => (double)i)];

        var r = WilcoxonSignedRank.Test(d);

        Assert.Equal((30, 2), (r.N, r.Zeros));
        Assert.Equal(9, r.Statistic);
        Assert.Equal(4.263241e-6, r.PValue, 9);
    }

    [Fact]
    public void Test_NoDifferences_IsPOne()
    {
        var r = WilcoxonSignedRank.Test([0.0, 0, 0]);

        Assert.Equal((0, 3, 1.0), (r.N, r.Zeros, r.PValue));
    }
}
