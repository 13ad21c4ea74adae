namespace MedSeg.Core.Timing;

/// <summary>Latency distribution of one stage in milliseconds (NaN when there were no samples).</summary>
/// <param name="Name">Stage or span name, e.g. "inference" or "end-to-end".</param>
/// <param name="Count">Samples summarised (after warm-up).</param>
/// <param name="Max">Largest sample: p100.</param>
public readonly record struct LatencySummary(
    string Name, long Count, double Mean, double Median, double P10, double P90, double P95, double P99, double Max)
{
    /// <summary>p100 − p95: how far the worst frames stray beyond the usual bad ones.</summary>
    public double Tail => Max - P95;

    /// <summary>p90 − p10: the spread of ordinary frames (small = flat, steady latency).</summary>
    public double Flatness => P90 - P10;

    public static LatencySummary Empty(string name) =>
        new(name, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Summary of <paramref name="sorted"/> (ascending); <paramref name="max"/> may exceed its last element
    /// when older samples were overwritten.</summary>
    public static LatencySummary FromSorted(string name, ReadOnlySpan<double> sorted, double mean, double max)
    {
        if (sorted.IsEmpty) return Empty(name);
        return new LatencySummary(name, sorted.Length, mean,
            Percentile.Linear(sorted, 50), Percentile.Linear(sorted, 10), Percentile.Linear(sorted, 90),
            Percentile.Linear(sorted, 95), Percentile.Linear(sorted, 99), Math.Max(max, sorted[^1]));
    }
}
