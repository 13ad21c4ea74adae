namespace MedSeg.Core.Timing;

/// <summary>numpy's default percentile (<c>method="linear"</c>) on already sorted values.</summary>
public static class Percentile
{
    /// <summary>Position (n − 1) · p / 100 in <paramref name="sorted"/>, linearly interpolated; NaN when empty.</summary>
    public static double Linear(ReadOnlySpan<double> sorted, double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        int n = sorted.Length;
        if (n == 0) return double.NaN;
        double position = (n - 1) * (percentile / 100.0);
        if (position >= n - 1) return sorted[n - 1];
        if (position <= 0) return sorted[0];
        int below = (int)Math.Floor(position);
        return Lerp(sorted[below], sorted[below + 1], position - below);
    }

    /// <summary>numpy's <c>_lerp</c>: interpolates from the nearer end, so results match numpy to the last bit.</summary>
    internal static double Lerp(double a, double b, double t) => t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
