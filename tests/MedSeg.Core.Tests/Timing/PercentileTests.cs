using MedSeg.Core.Timing;

namespace MedSeg.Core.Tests.Timing;

public sealed class PercentileTests
{
    // numpy.percentile(np.arange(1, 11), [0, 10, 50, 90, 95, 99, 100]) = 1, 1.9, 5.5, 9.1, 9.55, 9.91, 10
    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 1.9)]
    [InlineData(50, 5.5)]
    [InlineData(90, 9.1)]
    [InlineData(95, 9.55)]
    [InlineData(99, 9.91)]
    [InlineData(100, 10)]
    public void Linear_OneToTen_MatchesNumpy(double p, double expected)
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(expected, Percentile.Linear(values, p), 12);
    }

    [Fact]
    public void Linear_EdgeCases()
    {
        Assert.True(double.IsNaN(Percentile.Linear([], 50)));
        Assert.Equal(7, Percentile.Linear([7.0], 99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Linear([1.0], 101));
    }
}
