using MedSeg.Core.Metrics;

namespace MedSeg.Core.Tests.Metrics;

public sealed class MetricsAggregatorTests
{
    private const double Tol = 1e-12;

    private static ImageMetrics Binary(string id, string predicted, string truth)
    {
        var (p, w, h) = TestMasks.Parse(predicted);
        var (t, _, _) = TestMasks.Parse(truth);
        return ImageMetrics.Compute(id, p, t, w, h, numClasses: 2);
    }

    private static ImageMetrics FromCounts(params ConfusionCounts[] perClass)
    {
        var classes = perClass.Select(static (c, k) => new ClassMetrics(k + 1, c, double.NaN)).ToList();
        return new ImageMetrics("c", classes, 0.5);
    }

    [Fact]
    public void Summarize_TwoImages_MeanAndPooledDiffer()
    {
        // a: pred 1..., truth 1...  => TP 1 FP 0 FN 0: IoU 1, Dice 1, precision 1, HD95 0, accuracy 1
        // b: pred 1111, truth 1...  => TP 1 FP 3 FN 0: IoU 1/4, Dice 2/5, precision 1/4, accuracy 1/4
        //    HD95 of b: pred->truth [0 1 2 3], truth->pred [0]; sorted [0 0 1 2 3],
        //    position 0.95 * 4 = 3.8 -> 2 + 0.8 * (3 - 2) = 2.8
        // mean IoU (1 + 1/4)/2 = 5/8, population std 3/8; mean Dice 7/10, std 3/10
        // pooled: TP 2 FP 3 FN 0 => IoU 2/5, Dice 4/7 (the big false alarm weighs more)
        var agg = new MetricsAggregator(2, ["background", "lesion"]);
        agg.Add(Binary("a", "1...", "1..."));
        agg.Add(Binary("b", "1111", "1..."));

        var s = agg.Summarize();
        var c = Assert.Single(s.Classes);

        Assert.Equal(2, s.Images);
        Assert.Equal(2, agg.Count);
        Assert.Equal(1, c.ClassId);
        Assert.Equal("lesion", c.Name);
        Assert.Equal(5.0 / 8.0, c.IouMean, Tol);
        Assert.Equal(3.0 / 8.0, c.IouStd, Tol);
        Assert.Equal(7.0 / 10.0, c.DiceMean, Tol);
        Assert.Equal(3.0 / 10.0, c.DiceStd, Tol);
        Assert.Equal(5.0 / 8.0, c.PrecisionMean, Tol);
        Assert.Equal(1.0, c.RecallMean, Tol);
        Assert.Equal(2.0 / 5.0, c.PooledIou, Tol);
        Assert.Equal(4.0 / 7.0, c.PooledDice, Tol);
        Assert.Equal(1.4, c.Hd95Mean, 1e-9);
        Assert.Equal(0, c.Hd95Undefined);
        Assert.Equal(0, c.BothEmptyCount);
        Assert.Equal(5.0 / 8.0, s.MeanIou, Tol);
        Assert.Equal(7.0 / 10.0, s.MeanDice, Tol);
        Assert.Equal(5.0 / 8.0, s.PixelAccuracy, Tol);
        Assert.Equal(1.4, s.MeanHd95, 1e-9);
    }

    [Fact]
    public void Summarize_ThreeImages_StdIsPopulationNotSample()
    {
        // IoUs 0, 1/2, 1: mean 1/2; population variance (1/4 + 0 + 1/4)/3 = 1/6 (sample would be 1/4).
        var agg = new MetricsAggregator(2);
        agg.Add(FromCounts(new ConfusionCounts(0, 1, 0, 3)));
        agg.Add(FromCounts(new ConfusionCounts(1, 1, 0, 2)));
        agg.Add(FromCounts(new ConfusionCounts(1, 0, 0, 3)));

        var c = agg.Summarize().Classes[0];

        Assert.Equal(0.5, c.IouMean, Tol);
        Assert.Equal(Math.Sqrt(1.0 / 6.0), c.IouStd, Tol);
        // Dice 0, 2/3, 1: mean 5/9
        Assert.Equal(5.0 / 9.0, c.DiceMean, Tol);
        double var = (Math.Pow(0 - 5.0 / 9, 2) + Math.Pow(2.0 / 3 - 5.0 / 9, 2) + Math.Pow(1 - 5.0 / 9, 2)) / 3;
        Assert.Equal(Math.Sqrt(var), c.DiceStd, Tol);
    }

    [Fact]
    public void Summarize_ManyIdenticalImages_StdIsExactlyZero()
    {
        // Sum-of-squares variance would come out slightly negative or positive here; Welford stays at 0.
        var agg = new MetricsAggregator(2);
        var m = FromCounts(new ConfusionCounts(1, 2, 0, 7)); // IoU 1/3, which has no exact binary form
        for (int i = 0; i < 100_000; i++) agg.Add(m);

        var c = agg.Summarize().Classes[0];

        Assert.Equal(0.0, c.IouStd);
        Assert.Equal(0.0, c.DiceStd);
        Assert.Equal(1.0 / 3.0, c.IouMean, 1e-12);
    }

    [Fact]
    public void Summarize_EmptyAndUndefinedCases_AreCountedAndKeptOutOfHd95Mean()
    {
        // a: both empty            => IoU 1, HD95 0, bothEmpty
        // b: truth empty, pred not => IoU 0, HD95 undefined
        // c: pred x0, truth x1     => IoU 0, HD95 1 (both one-pixel surfaces, 1 apart)
        var agg = new MetricsAggregator(2);
        agg.Add(Binary("a", "....", "...."));
        agg.Add(Binary("b", ".1..", "...."));
        agg.Add(Binary("c", "1...", ".1.."));

        var c = agg.Summarize().Classes[0];

        Assert.Equal(1, c.BothEmptyCount);
        Assert.Equal(1, c.Hd95Undefined);
        Assert.Equal((0.0 + 1.0) / 2, c.Hd95Mean, 1e-9); // a and c only
        Assert.Equal((1.0 + 0.0 + 0.0) / 3, c.IouMean, Tol);
        // pooled over all three: TP 0, FP 2, FN 1 => 0
        Assert.Equal(0.0, c.PooledIou, Tol);
    }

    [Fact]
    public void Summarize_MultiClass_NamesByIdAndMacroMeans()
    {
        // class 1 IoUs: 1, 1/2 -> mean 3/4;  class 2 IoUs: 1/3, 1/3 -> mean 1/3;  macro mean 13/24
        var agg = new MetricsAggregator(3, ["bg", "liver", "tumour"]);
        agg.Add(FromCounts(new ConfusionCounts(2, 0, 0, 8), new ConfusionCounts(1, 1, 1, 7)));
        agg.Add(FromCounts(new ConfusionCounts(1, 1, 0, 8), new ConfusionCounts(1, 0, 2, 7)));

        var s = agg.Summarize();

        Assert.Equal(["liver", "tumour"], s.Classes.Select(static c => c.Name));
        Assert.Equal([1, 2], s.Classes.Select(static c => c.ClassId));
        Assert.Equal(3.0 / 4.0, s.Classes[0].IouMean, Tol);
        Assert.Equal(1.0 / 3.0, s.Classes[1].IouMean, Tol);
        Assert.Equal(13.0 / 24.0, s.MeanIou, Tol);
        // class 2 recall 1/2 and 1/3 -> 5/12; class 1 recall 1, 1 -> 1; macro (1 + 5/12)/2
        Assert.Equal((1.0 + 5.0 / 12.0) / 2, s.MeanRecall, Tol);
        // pooled class 2: TP 2 FP 1 FN 3 => IoU 2/6
        Assert.Equal(2.0 / 6.0, s.Classes[1].PooledIou, Tol);
    }

    [Fact]
    public void Summarize_Hd95NotComputed_MeanIsNaN()
    {
        var agg = new MetricsAggregator(2);
        agg.Add(FromCounts(new ConfusionCounts(1, 0, 0, 3)));

        var s = agg.Summarize();

        Assert.True(double.IsNaN(s.Classes[0].Hd95Mean));
        Assert.Equal(0, s.Classes[0].Hd95Undefined);
        Assert.True(double.IsNaN(s.MeanHd95));
    }

    [Fact]
    public void Summarize_NoImages_IsNaN()
    {
        var s = new MetricsAggregator(2).Summarize();

        Assert.Equal(0, s.Images);
        Assert.Equal("class 1", s.Classes[0].Name);
        Assert.True(double.IsNaN(s.MeanIou));
        Assert.True(double.IsNaN(s.PixelAccuracy));
        Assert.True(double.IsNaN(s.Classes[0].PooledIou));
        Assert.True(double.IsNaN(s.Classes[0].IouStd));
    }

    [Fact]
    public void Add_WrongClassCount_ThrowsAndLeavesStateUnchanged()
    {
        var agg = new MetricsAggregator(3);

        Assert.Throws<ArgumentException>(() => agg.Add(FromCounts(new ConfusionCounts(1, 0, 0, 3))));
        Assert.Equal(0, agg.Count);
    }

    [Fact]
    public void Add_ClassIdsOutOfOrder_Throws()
    {
        var agg = new MetricsAggregator(3);
        var m = new ImageMetrics("x", [new ClassMetrics(2, default, 0), new ClassMetrics(1, default, 0)], 1);

        Assert.Throws<ArgumentException>(() => agg.Add(m));
        Assert.Equal(0, agg.Count);
    }

    [Fact]
    public void Constructor_NamesForForegroundOnly_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MetricsAggregator(2, ["lesion"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricsAggregator(1));
    }
}
