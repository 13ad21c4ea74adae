namespace MedSeg.Core.Tests.Metrics;

/// <summary>
/// Reference HD written as plainly as possible (O(n²) pair loop, List sort, textbook lerp), so the
/// fast distance-transform version is checked against an independent implementation.
/// </summary>
internal static class BruteForceHausdorff
{
    public static double Percentile(byte[] a, byte[] b, int width, int height, byte classId, double percentile)
    {
        var surfaceA = Surface(a, width, height, classId);
        var surfaceB = Surface(b, width, height, classId);
        if (surfaceA.Count == 0 && surfaceB.Count == 0) return 0;
        if (surfaceA.Count == 0 || surfaceB.Count == 0) return double.NaN;

        var distances = new List<double>();
        distances.AddRange(Directed(surfaceA, surfaceB));
        distances.AddRange(Directed(surfaceB, surfaceA));
        distances.Sort();

        double position = (distances.Count - 1) * percentile / 100.0;
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, distances.Count - 1);
        return distances[lo] + (distances[hi] - distances[lo]) * (position - lo);
    }

    /// <summary>MONAI's convention: each directed set's own percentile, the larger of the two.</summary>
    public static double DirectedMaximum(byte[] a, byte[] b, int width, int height, byte classId, double percentile)
    {
        var surfaceA = Surface(a, width, height, classId);
        var surfaceB = Surface(b, width, height, classId);
        if (surfaceA.Count == 0 && surfaceB.Count == 0) return 0;
        if (surfaceA.Count == 0 || surfaceB.Count == 0) return double.NaN;
        return Math.Max(Lerp(Directed(surfaceA, surfaceB).ToList(), percentile), Lerp(Directed(surfaceB, surfaceA).ToList(), percentile));
    }

    private static double Lerp(List<double> distances, double percentile)
    {
        distances.Sort();
        double position = (distances.Count - 1) * percentile / 100.0;
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, distances.Count - 1);
        return distances[lo] + (distances[hi] - distances[lo]) * (position - lo);
    }

    public static List<(int X, int Y)> Surface(byte[] mask, int width, int height, byte classId)
    {
        bool In(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] == classId;
        var surface = new List<(int, int)>();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (In(x, y) && !(In(x - 1, y) && In(x + 1, y) && In(x, y - 1) && In(x, y + 1)))
                    surface.Add((x, y));
        return surface;
    }

    private static IEnumerable<double> Directed(List<(int X, int Y)> from, List<(int X, int Y)> to)
    {
        foreach (var p in from)
        {
            double best = double.PositiveInfinity;
            foreach (var q in to)
                best = Math.Min(best, Math.Sqrt((double)(p.X - q.X) * (p.X - q.X) + (double)(p.Y - q.Y) * (p.Y - q.Y)));
            yield return best;
        }
    }
}
