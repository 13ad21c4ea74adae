namespace MedSeg.Core.Statistics;

/// <summary>
/// One metric of two models over the same images, paired by image id: means, per-image
/// differences (B − A), how many images got better or worse, and a Wilcoxon signed-rank test.
/// </summary>
/// <param name="HigherIsBetter">Dice, IoU: true; HD95: false (a smaller distance is better).</param>
/// <param name="Pairs">images with a finite value under both models (an undefined HD95 drops out).</param>
public sealed record PairedComparison(
    string Metric, bool HigherIsBetter, int Pairs, double MeanA, double MeanB, double MeanDifference,
    int Improved, int Regressed, WilcoxonResult Test)
{
    public static PairedComparison Of(string metric, bool higherIsBetter, IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var pairs = a.Where(kv => double.IsFinite(kv.Value) && b.TryGetValue(kv.Key, out double vb) && double.IsFinite(vb))
            .Select(kv => (A: kv.Value, B: b[kv.Key])).ToArray();
        double[] diff = pairs.Select(static p => p.B - p.A).ToArray();
        int better = diff.Count(d => higherIsBetter ? d > 0 : d < 0), worse = diff.Count(d => higherIsBetter ? d < 0 : d > 0);
        return new PairedComparison(metric, higherIsBetter, pairs.Length,
            pairs.Length > 0 ? pairs.Average(static p => p.A) : double.NaN, pairs.Length > 0 ? pairs.Average(static p => p.B) : double.NaN,
            diff.Length > 0 ? diff.Average() : double.NaN, better, worse, WilcoxonSignedRank.Test(diff));
    }

    /// <summary>Ids whose value got worse from A to B, the worst first, at most <paramref name="count"/>.</summary>
    public static IReadOnlyList<string> MostRegressed(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b, bool higherIsBetter, int count) =>
        a.Where(kv => double.IsFinite(kv.Value) && b.TryGetValue(kv.Key, out double vb) && double.IsFinite(vb))
            .Select(kv => (Id: kv.Key, Loss: higherIsBetter ? kv.Value - b[kv.Key] : b[kv.Key] - kv.Value))
            .Where(static x => x.Loss > 0).OrderByDescending(static x => x.Loss).ThenBy(static x => x.Id, StringComparer.Ordinal)
            .Take(count).Select(static x => x.Id).ToList();
}
