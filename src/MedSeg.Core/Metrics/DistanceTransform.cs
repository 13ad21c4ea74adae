using System.Diagnostics;

namespace MedSeg.Core.Metrics;

/// <summary>
/// Exact squared Euclidean distance transform (Felzenszwalb &amp; Huttenlocher, "Distance Transforms
/// of Sampled Functions", 2012): a 1D pass over every column, then a 1D lower-envelope-of-parabolas
/// pass over every row. O(width * height), exact on the pixel grid.
/// </summary>
internal static class DistanceTransform
{
    /// <summary>
    /// In place: on entry <paramref name="grid"/> holds 0 at seed pixels and +∞ elsewhere; on exit
    /// each pixel holds its squared distance to the nearest seed (+∞ everywhere if there is none).
    /// </summary>
    public static void SquaredInPlace(Span<double> grid, int width, int height)
    {
        Debug.Assert(grid.Length == width * height);
        ColumnPass(grid, width, height);

        // One scratch set serves every row; stackalloc would overflow for very wide images.
        double[] f = new double[width], d = new double[width], z = new double[width + 1];
        int[] v = new int[width];
        for (int y = 0; y < height; y++)
        {
            var row = grid.Slice(y * width, width);
            row.CopyTo(f);
            Transform1D(f.AsSpan(0, width), d, v, z);
            d.AsSpan(0, width).CopyTo(row);
        }
    }

    /// <summary>
    /// First (vertical) pass. On 0/+∞ seeds the parabola envelope reduces to the squared distance to
    /// the nearest seed in the column, so two row-order sweeps give the same exact result as running
    /// <see cref="Transform1D"/> per column, without strided column access (HD95 of two 256x256
    /// discs: 3.0 -> 2.1 ms).
    /// </summary>
    private static void ColumnPass(Span<double> grid, int width, int height)
    {
        // Down then up: distance in rows to the nearest seed above, then below (∞ + 1 stays ∞).
        for (int y = 1; y < height; y++)
        {
            var row = grid.Slice(y * width, width);
            var above = grid.Slice((y - 1) * width, width);
            for (int x = 0; x < width; x++)
                if (row[x] != 0) row[x] = above[x] + 1;
        }
        for (int y = height - 2; y >= 0; y--)
        {
            var row = grid.Slice(y * width, width);
            var below = grid.Slice((y + 1) * width, width);
            for (int x = 0; x < width; x++)
                row[x] = Math.Min(row[x], below[x] + 1);
        }
        for (int i = 0; i < grid.Length; i++) grid[i] *= grid[i];
    }

    /// <summary>d[p] = min over q of (p - q)² + f[q]; +∞ samples are skipped rather than given a huge
    /// finite value, so the envelope arithmetic never mixes magnitudes and stays exact.</summary>
    private static void Transform1D(ReadOnlySpan<double> f, Span<double> d, Span<int> v, Span<double> z)
    {
        int n = f.Length;
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            if (k < 0)
            {
                k = 0;
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }
            double s = Intersection(f, q, v[k]);
            // z[0] is -∞, so this stops at k = 0 at the latest.
            while (s <= z[k])
            {
                k--;
                s = Intersection(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        if (k < 0)
        {
            d[..n].Fill(double.PositiveInfinity);
            return;
        }
        k = 0;
        for (int p = 0; p < n; p++)
        {
            while (z[k + 1] < p) k++;
            double dp = p - v[k];
            d[p] = dp * dp + f[v[k]];
        }
    }

    /// <summary>Abscissa where the parabolas rooted at q and r (r &lt; q) cross.</summary>
    private static double Intersection(ReadOnlySpan<double> f, int q, int r) =>
        ((f[q] + (double)q * q) - (f[r] + (double)r * r)) / (2.0 * q - 2.0 * r);
}
