using System.Buffers;

namespace MedSeg.Core.Metrics;

/// <summary>
/// Percentile Hausdorff distance, in pixels, between the boundaries of two binary masks
/// ("pixel == class id"), as medpy's <c>hd95</c> defines it.
/// </summary>
/// <remarks>
/// <para>Surface pixels are foreground pixels with a 4-neighbour outside the foreground or on the
/// image edge (MONAI/medpy: <c>mask XOR erode(mask)</c>). Every surface pixel of A gets its Euclidean
/// distance to the nearest surface pixel of B, and vice versa; both sets of directed distances are
/// pooled and the percentile is taken with numpy's default linear interpolation. MONAI instead takes
/// the larger of the two directed percentiles (<see cref="Hd95Convention.DirectedMaximum"/>, selectable);
/// the two agree for the maximum, <c>percentile = 100</c>. Reports name the one used.</para>
/// <para>Empty masks: both empty gives 0 (nothing to disagree about). Exactly one empty gives
/// <see cref="double.NaN"/>, meaning <b>undefined</b>: there is no boundary to measure to, and any
/// finite stand-in (such as the image diagonal) would depend on the image size. Report such cases
/// as undefined and leave them out of means.</para>
/// <para>Cost: two exact Euclidean distance transforms plus a sort of the surface distances,
/// O(width * height + s log s) for s surface pixels; no pairwise loops.</para>
/// </remarks>
public static class HausdorffDistance
{
    /// <summary>95th-percentile symmetric Hausdorff distance (HD95) in pixels; 0 when both masks are
    /// empty, <see cref="double.NaN"/> (undefined) when exactly one is.</summary>
    public static double Percentile95(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, byte classId,
                                      Hd95Convention convention = Hd95Convention.Pooled) =>
        Percentile(a, b, width, height, classId, 95, convention);

    /// <summary>The name reports print for <paramref name="convention"/>.</summary>
    public static string Describe(Hd95Convention convention) => convention switch
    {
        Hd95Convention.Pooled => "HD95 convention: pooled (medpy hd95) — the directed surface distances of both masks pooled, then the 95th percentile",
        _ => "HD95 convention: directed maximum (MONAI compute_hausdorff_distance) — the larger of the two directed 95th percentiles",
    };

    /// <summary>Any percentile (0..100) of the pooled surface distances; 100 is the classic Hausdorff
    /// distance. Same empty-mask conventions as <see cref="Percentile95"/>.</summary>
    public static double Percentile(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height, byte classId, double percentile,
                                    Hd95Convention convention = Hd95Convention.Pooled)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "must be in 0..100");
        int pixels = checked(width * height);
        if (a.Length != pixels) throw new ArgumentException($"mask has {a.Length} pixels, expected {width}x{height} = {pixels}", nameof(a));
        if (b.Length != pixels) throw new ArgumentException($"mask has {b.Length} pixels, expected {width}x{height} = {pixels}", nameof(b));

        int[] surfaceA = ArrayPool<int>.Shared.Rent(pixels);
        int[] surfaceB = ArrayPool<int>.Shared.Rent(pixels);
        double[] grid = ArrayPool<double>.Shared.Rent(pixels);
        double[] distances = ArrayPool<double>.Shared.Rent(2 * pixels);
        try
        {
            int countA = MaskSurface.Extract(a, width, height, classId, surfaceA);
            int countB = MaskSurface.Extract(b, width, height, classId, surfaceB);
            if (countA == 0 && countB == 0) return 0.0;
            if (countA == 0 || countB == 0) return double.NaN;

            var squares = distances.AsSpan(0, countA + countB);
            var g = grid.AsSpan(0, pixels);
            SquaredDistancesTo(surfaceB.AsSpan(0, countB), surfaceA.AsSpan(0, countA), g, width, height, squares[..countA]);
            SquaredDistancesTo(surfaceA.AsSpan(0, countA), surfaceB.AsSpan(0, countB), g, width, height, squares[countA..]);
            // Squared distances are exact integers, so sorting them orders the distances exactly.
            if (convention == Hd95Convention.DirectedMaximum)
            {
                squares[..countA].Sort();
                squares[countA..].Sort();
                return Math.Max(LinearPercentile.OfSquareRoots(squares[..countA], percentile), LinearPercentile.OfSquareRoots(squares[countA..], percentile));
            }
            squares.Sort();
            return LinearPercentile.OfSquareRoots(squares, percentile);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(surfaceA);
            ArrayPool<int>.Shared.Return(surfaceB);
            ArrayPool<double>.Shared.Return(grid);
            ArrayPool<double>.Shared.Return(distances);
        }
    }

    /// <summary>For each pixel in <paramref name="from"/>, its squared distance to the nearest pixel in
    /// <paramref name="to"/>, via one distance transform seeded with <paramref name="to"/>.</summary>
    private static void SquaredDistancesTo(
        ReadOnlySpan<int> to, ReadOnlySpan<int> from, Span<double> grid, int width, int height, Span<double> result)
    {
        grid.Fill(double.PositiveInfinity);
        foreach (int i in to) grid[i] = 0;
        DistanceTransform.SquaredInPlace(grid, width, height);
        for (int k = 0; k < from.Length; k++) result[k] = grid[from[k]];
    }
}
