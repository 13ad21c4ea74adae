using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class StepScheduleTests
{
    [Fact]
    public void Rate_WarmUpThenPoly_RisesLinearlyThenDecaysToTheFloor()
    {
        var s = new StepSchedule(LrSchedule.Poly, 1e-3, warmupSteps: 10, totalSteps: 110);

        Assert.Equal(1e-5, s.Rate(0), 12);
        Assert.Equal(1e-3 * (0.01 + 0.99 * 0.5), s.Rate(5), 12);
        Assert.Equal(1e-3, s.Rate(10), 12);
        Assert.Equal(1e-3 * Math.Pow(0.5, 0.9), s.Rate(60), 12);
        Assert.Equal(1e-5, s.Rate(110), 12);
        for (int i = 11; i <= 110; i++) Assert.True(s.Rate(i) <= s.Rate(i - 1));
    }

    [Fact]
    public void Rate_Cosine_EndsAtOnePercent()
    {
        var s = new StepSchedule(LrSchedule.Cosine, 2e-3, 0, 100);

        Assert.Equal(2e-3, s.Rate(0), 12);
        Assert.Equal(2e-5, s.Rate(100), 12);
    }
}

public sealed class BestTrackerTests
{
    [Fact]
    public void Offer_BeforeTheSettleEpoch_NeverSelectsNorStops()
    {
        // An all-foreground model scores 0.86 at epoch 1 and nothing later beats it by much:
        // unsettled, the raw tracker would keep epoch 1; settled, epoch 1 cannot be chosen.
        var t = new BestTracker(SelectionMetric.Dice, 1e-4, smoothing: 0, settleEpoch: 4);
        double[] dice = [0.86, 0.5, 0.6, 0.7, 0.8, 0.79];

        var improved = dice.Select((d, i) => t.Offer(i + 1, d)).ToArray();

        Assert.Equal([false, false, false, true, true, false], improved);
        Assert.Equal(5, t.BestEpoch);
        Assert.False(t.ShouldStop(3, patience: 1));
        Assert.True(t.ShouldStop(6, patience: 1));
    }

    [Fact]
    public void Offer_Smoothing_AveragesTheHistory()
    {
        var t = new BestTracker(SelectionMetric.Dice, 0, smoothing: 0.5);

        t.Offer(1, 0.4);
        t.Offer(2, 0.8);

        Assert.Equal(0.6, t.Current, 12);
        Assert.Equal(0.6, t.BestValue, 12);
    }
}
