using MedSeg.Core.Metrics;

namespace MedSeg.Core.Tests.Metrics;

public sealed class ConfusionCountsTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void Count_HandDrawn4x4_MatchesHandCounts()
    {
        // predicted        truth
        //   11..             1...
        //   11..             11..
        //   ..1.             ..11
        //   ....             ....
        // TP: (0,0) (0,1) (1,1) (2,2)   = 4
        // FP: (1,0)                     = 1
        // FN: (3,2)                     = 1
        // TN: 16 - 6                    = 10
        var (pred, _, _) = TestMasks.Parse("11..", "11..", "..1.", "....");
        var (truth, _, _) = TestMasks.Parse("1...", "11..", "..11", "....");

        var c = ConfusionCounts.Count(pred, truth, 1);

        Assert.Equal(new ConfusionCounts(4, 1, 1, 10), c);
        Assert.Equal(4.0 / 6.0, c.Iou, Tol);
        Assert.Equal(8.0 / 10.0, c.Dice, Tol);
        Assert.Equal(4.0 / 5.0, c.Precision, Tol);
        Assert.Equal(4.0 / 5.0, c.Recall, Tol);
        Assert.False(c.BothEmpty);
    }

    [Fact]
    public void Metrics_AsymmetricCounts_FollowFormulas()
    {
        // TP 3, FP 1, FN 2: precision and recall differ, so swapping FP/FN in a formula is caught.
        var c = new ConfusionCounts(3, 1, 2, 100);

        Assert.Equal(3.0 / 6.0, c.Iou, Tol);
        Assert.Equal(6.0 / 9.0, c.Dice, Tol);
        Assert.Equal(3.0 / 4.0, c.Precision, Tol);
        Assert.Equal(3.0 / 5.0, c.Recall, Tol);
    }

    [Fact]
    public void Count_ClassAbsentFromBoth_IsBothEmptyAndPerfect()
    {
        var (pred, _, _) = TestMasks.Parse("2...", "....");
        var (truth, _, _) = TestMasks.Parse("....", "..2.");

        var c = ConfusionCounts.Count(pred, truth, 1);

        Assert.Equal(new ConfusionCounts(0, 0, 0, 8), c);
        Assert.True(c.BothEmpty);
        Assert.True(c.PredictionEmpty);
        Assert.True(c.TruthEmpty);
        Assert.Equal(1.0, c.Iou);
        Assert.Equal(1.0, c.Dice);
        Assert.Equal(1.0, c.Precision);
        Assert.Equal(1.0, c.Recall);
    }

    [Fact]
    public void Count_PredictionEmptyTruthNot_ScoresZero()
    {
        var (pred, _, _) = TestMasks.Parse("....", "....");
        var (truth, _, _) = TestMasks.Parse(".11.", "....");

        var c = ConfusionCounts.Count(pred, truth, 1);

        Assert.Equal(new ConfusionCounts(0, 0, 2, 6), c);
        Assert.False(c.BothEmpty);
        Assert.True(c.PredictionEmpty);
        Assert.False(c.TruthEmpty);
        Assert.Equal(0.0, c.Iou);
        Assert.Equal(0.0, c.Dice);
        Assert.Equal(0.0, c.Precision); // nothing predicted, but something was there to find
        Assert.Equal(0.0, c.Recall);
    }

    [Fact]
    public void Count_TruthEmptyPredictionNot_ScoresZero()
    {
        var (pred, _, _) = TestMasks.Parse("1...", "...1");
        var (truth, _, _) = TestMasks.Parse("....", "....");

        var c = ConfusionCounts.Count(pred, truth, 1);

        Assert.Equal(new ConfusionCounts(0, 2, 0, 6), c);
        Assert.False(c.BothEmpty);
        Assert.Equal(0.0, c.Iou);
        Assert.Equal(0.0, c.Dice);
        Assert.Equal(0.0, c.Precision);
        Assert.Equal(0.0, c.Recall); // nothing to find, but the prediction is all false alarms
    }

    [Fact]
    public void Count_OtherClassIds_CountAsNegatives()
    {
        // Class 2 in one map and 1 in the other must be FP/FN for class 1, never TP.
        var (pred, _, _) = TestMasks.Parse("1221");
        var (truth, _, _) = TestMasks.Parse("2211");

        var one = ConfusionCounts.Count(pred, truth, 1);
        var two = ConfusionCounts.Count(pred, truth, 2);

        // class 1: pred {0,3}, truth {2,3} => TP {3}, FP {0}, FN {2}, TN {1}
        Assert.Equal(new ConfusionCounts(1, 1, 1, 1), one);
        // class 2: pred {1,2}, truth {0,1} => TP {1}, FP {2}, FN {0}, TN {3}
        Assert.Equal(new ConfusionCounts(1, 1, 1, 1), two);
    }

    [Fact]
    public void Count_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => ConfusionCounts.Count(new byte[4], new byte[5], 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Count_RandomMasks_SatisfiesIdentities(int seed)
    {
        var rng = new Random(seed);
        var pred = TestMasks.RandomNoise(rng, 37, 23, 0.4);
        var truth = TestMasks.RandomNoise(rng, 37, 23, 0.3);
        long predicted = pred.Count(static p => p == 1), actual = truth.Count(static t => t == 1);

        var c = ConfusionCounts.Count(pred, truth, 1);

        Assert.Equal(pred.Length, c.TruePositive + c.FalsePositive + c.FalseNegative + c.TrueNegative);
        Assert.Equal(predicted, c.TruePositive + c.FalsePositive);
        Assert.Equal(actual, c.TruePositive + c.FalseNegative);
        // Dice and IoU are tied by D = 2J / (1 + J) for any counts.
        Assert.Equal(2 * c.Iou / (1 + c.Iou), c.Dice, 1e-12);
    }

    [Fact]
    public void Add_TwoCounts_SumsEachField()
    {
        var sum = new ConfusionCounts(1, 2, 3, 4) + new ConfusionCounts(10, 20, 30, 40);

        Assert.Equal(new ConfusionCounts(11, 22, 33, 44), sum);
    }
}
