using MedSeg.Core.Metrics;

namespace MedSeg.Core.Tests.Metrics;

public sealed class ImageMetricsTests
{
    private const double Tol = 1e-12;

    // predicted   truth
    //   .112        .11.
    //   .112        .122
    //   ..22        .222
    //   ....        ...2
    private static readonly string[] s_predicted = [".112", ".112", "..22", "...."];
    private static readonly string[] s_truth = [".11.", ".122", ".222", "...2"];

    [Fact]
    public void Compute_HandDrawnThreeClasses_MatchesHandCounts()
    {
        // class 1: pred (1,0) (2,0) (1,1) (2,1); truth (1,0) (2,0) (1,1)
        //          TP 3, FP 1 [(2,1) is 2 in truth], FN 0, TN 12
        // class 2: pred (3,0) (3,1) (2,2) (3,2); truth (2,1) (3,1) (1,2) (2,2) (3,2) (3,3)
        //          TP 3 [(3,1) (2,2) (3,2)], FP 1 [(3,0)], FN 3 [(2,1) (1,2) (3,3)], TN 9
        // mismatched pixels: (3,0) (2,1) (1,2) (3,3) => accuracy 12/16
        var (pred, w, h) = TestMasks.Parse(s_predicted);
        var (truth, _, _) = TestMasks.Parse(s_truth);

        var m = ImageMetrics.Compute("img", pred, truth, w, h, numClasses: 3, computeHd95: false);

        Assert.Equal("img", m.Id);
        Assert.Equal(2, m.Classes.Count);
        Assert.Equal(1, m.Classes[0].ClassId);
        Assert.Equal(2, m.Classes[1].ClassId);
        Assert.Equal(new ConfusionCounts(3, 1, 0, 12), m.Classes[0].Counts);
        Assert.Equal(new ConfusionCounts(3, 1, 3, 9), m.Classes[1].Counts);
        Assert.Equal(0.75, m.PixelAccuracy, Tol);
        Assert.Equal(3.0 / 4.0, m.Classes[0].Iou, Tol);
        Assert.Equal(3.0 / 7.0, m.Classes[1].Iou, Tol);
        Assert.Equal(6.0 / 7.0, m.Classes[0].Dice, Tol);
        Assert.Equal(6.0 / 10.0, m.Classes[1].Dice, Tol);
        Assert.Equal(3.0 / 4.0, m.Classes[1].Precision, Tol);
        Assert.Equal(3.0 / 6.0, m.Classes[1].Recall, Tol);
        Assert.Equal((3.0 / 4.0 + 3.0 / 7.0) / 2, m.MeanIou, Tol);
        Assert.Equal((6.0 / 7.0 + 6.0 / 10.0) / 2, m.MeanDice, Tol);
    }

    [Fact]
    public void Compute_HandDrawnThreeClasses_Hd95PerClassMatchesDirectCall()
    {
        var (pred, w, h) = TestMasks.Parse(s_predicted);
        var (truth, _, _) = TestMasks.Parse(s_truth);

        var m = ImageMetrics.Compute("img", pred, truth, w, h, numClasses: 3);

        Assert.Equal(HausdorffDistance.Percentile95(pred, truth, w, h, 1), m.Classes[0].Hd95);
        Assert.Equal(HausdorffDistance.Percentile95(pred, truth, w, h, 2), m.Classes[1].Hd95);
        Assert.NotEqual(m.Classes[0].Hd95, m.Classes[1].Hd95); // so a class mix-up cannot pass
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Compute_RandomMasks_CountsMatchPerClassCount(int numClasses)
    {
        // The one-pass confusion matrix must agree with counting each class on its own.
        var rng = new Random(numClasses);
        const int w = 29, h = 31;
        var pred = new byte[w * h];
        var truth = new byte[w * h];
        for (int i = 0; i < pred.Length; i++)
        {
            pred[i] = (byte)rng.Next(numClasses);
            truth[i] = rng.NextDouble() < 0.6 ? pred[i] : (byte)rng.Next(numClasses);
        }

        var m = ImageMetrics.Compute("r", pred, truth, w, h, numClasses, computeHd95: false);

        Assert.Equal(numClasses - 1, m.Classes.Count);
        for (int c = 1; c < numClasses; c++)
            Assert.Equal(ConfusionCounts.Count(pred, truth, (byte)c), m.Classes[c - 1].Counts);
        int same = 0;
        for (int i = 0; i < pred.Length; i++) if (pred[i] == truth[i]) same++;
        Assert.Equal((double)same / pred.Length, m.PixelAccuracy, Tol);
    }

    [Fact]
    public void Compute_ClassAbsentFromBoth_IsPerfectWithZeroHd95()
    {
        var (pred, w, h) = TestMasks.Parse("11..", "....");
        var (truth, _, _) = TestMasks.Parse("1...", "....");

        var c2 = ImageMetrics.Compute("x", pred, truth, w, h, numClasses: 3).Classes[1];

        Assert.True(c2.BothEmpty);
        Assert.False(c2.Hd95Undefined);
        Assert.Equal(1.0, c2.Iou);
        Assert.Equal(1.0, c2.Dice);
        Assert.Equal(1.0, c2.Precision);
        Assert.Equal(1.0, c2.Recall);
        Assert.Equal(0.0, c2.Hd95);
    }

    [Fact]
    public void Compute_PredictionEmptyTruthNot_ZeroScoresAndUndefinedHd95()
    {
        var (pred, w, h) = TestMasks.Parse("....", "....");
        var (truth, _, _) = TestMasks.Parse(".11.", "....");

        var m = ImageMetrics.Compute("x", pred, truth, w, h, numClasses: 2);
        var c1 = m.Classes[0];

        Assert.False(c1.BothEmpty);
        Assert.True(c1.Hd95Undefined);
        Assert.True(double.IsNaN(c1.Hd95));
        Assert.Equal(0.0, c1.Iou);
        Assert.Equal(0.0, c1.Recall);
        Assert.Equal(6.0 / 8.0, m.PixelAccuracy, Tol);
    }

    [Fact]
    public void Compute_WithoutHd95_IsNaNButNotUndefined()
    {
        var (mask, w, h) = TestMasks.Parse(".11.", ".11.");

        var c1 = ImageMetrics.Compute("x", mask, mask, w, h, numClasses: 2, computeHd95: false).Classes[0];

        Assert.True(double.IsNaN(c1.Hd95));
        Assert.False(c1.Hd95Undefined);
        Assert.Equal(1.0, c1.Iou);
    }

    [Fact]
    public void Compute_LabelAtLeastNumClasses_Throws()
    {
        // A binary mask saved as 0/255 must be rejected, not silently scored as background.
        var truth = new byte[] { 0, 255, 255, 0 };
        var pred = new byte[] { 0, 1, 1, 0 };

        var e = Assert.Throws<ArgumentException>(() => ImageMetrics.Compute("x", pred, truth, 2, 2, numClasses: 2));
        Assert.Contains("255", e.Message);
    }

    [Theory]
    [InlineData(3, 2, 2)]
    [InlineData(2, 3, 2)]
    [InlineData(2, 2, 1)]
    public void Compute_BadSizesOrClassCount_Throws(int width, int height, int numClasses)
    {
        Assert.ThrowsAny<ArgumentException>(() => ImageMetrics.Compute("x", new byte[4], new byte[4], width, height, numClasses));
    }
}
