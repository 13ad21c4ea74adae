namespace MedSeg.Core.Metrics;

/// <summary>
/// numpy's default percentile (<c>method="linear"</c>): position (n - 1) * p / 100 in the sorted
/// values, linearly interpolated between its two neighbours.
/// </summary>
internal static class LinearPercentile
{
    /// <summary>Percentile of sqrt(<paramref name="sortedSquares"/>). Taking the root of only the two
    /// neighbours is the same as rooting everything first, because sqrt keeps the order.</summary>
    public static double OfSquareRoots(ReadOnlySpan<double> sortedSquares, double percentile)
    {
        int n = sortedSquares.Length;
        if (n == 0) return double.NaN;
        double position = (n - 1) * (percentile / 100.0);
        if (position >= n - 1) return Math.Sqrt(sortedSquares[n - 1]);
        if (position <= 0) return Math.Sqrt(sortedSquares[0]);
        int below = (int)Math.Floor(position);
        double t = position - below;
        // Same rounding as numpy, so values agree with numpy.percentile-based tools (medpy) to the last bit.
        return Timing.Percentile.Lerp(Math.Sqrt(sortedSquares[below]), Math.Sqrt(sortedSquares[below + 1]), t);
    }
}
