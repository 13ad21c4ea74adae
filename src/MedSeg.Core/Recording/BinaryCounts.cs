using System.Numerics;
using MedSeg.Core.Metrics;

namespace MedSeg.Core.Recording;

/// <summary>
/// The binary case of <see cref="ImageMetrics.Compute"/> without HD95, vectorised: the same
/// integer confusion counts, hence bit-identical metrics (a test checks it against ImageMetrics),
/// at a fraction of the per-pixel cost, so scoring keeps up with reading.
/// </summary>
internal static class BinaryCounts
{
    public static ImageMetrics Metrics(string id, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        if (predicted.Length != truth.Length) throw new ArgumentException($"{id}: prediction has {predicted.Length} pixels, truth {truth.Length}");
        // Same refusal as ImageMetrics: a 0/255 mask is not class ids.
        int badP = predicted.IndexOfAnyInRange((byte)2, (byte)255), badT = truth.IndexOfAnyInRange((byte)2, (byte)255);
        if (badP >= 0 || badT >= 0)
        {
            int i = badP >= 0 ? badP : badT;
            throw new ArgumentException($"{id}: pixel {i} has class {(badP >= 0 ? $"{predicted[i]} in the prediction" : $"{truth[i]} in the truth")}, " +
                                        "but there are only 2 classes (a 0/255 mask must be mapped to 0/1 first)");
        }
        var (both, inP, inT) = Count(predicted, truth);
        long pixels = predicted.Length, fp = inP - both, fn = inT - both, tn = pixels - both - fp - fn;
        var counts = new ConfusionCounts(both, fp, fn, tn);
        return new ImageMetrics(id, [new ClassMetrics(1, counts, double.NaN)], (double)(both + tn) / pixels);
    }

    /// <summary>Pixels set in both, in the prediction, in the truth (values are 0/1).</summary>
    private static (long Both, long Predicted, long Truth) Count(ReadOnlySpan<byte> p, ReadOnlySpan<byte> t)
    {
        long both = 0, inP = 0, inT = 0;
        int n = p.Length, i = 0, width = Vector<byte>.Count;
        while (i + width <= n)
        {
            // Byte lanes hold at most 255 additions of 0/1 before they are widened and summed.
            var accBoth = Vector<byte>.Zero;
            var accP = Vector<byte>.Zero;
            var accT = Vector<byte>.Zero;
            int end = Math.Min(n - width, i + 254 * width);
            for (; i <= end; i += width)
            {
                var vp = new Vector<byte>(p[i..]);
                var vt = new Vector<byte>(t[i..]);
                accBoth += vp & vt;
                accP += vp;
                accT += vt;
            }
            both += Sum(accBoth);
            inP += Sum(accP);
            inT += Sum(accT);
        }
        for (; i < n; i++)
        {
            both += p[i] & t[i];
            inP += p[i];
            inT += t[i];
        }
        return (both, inP, inT);
    }

    private static long Sum(Vector<byte> v)
    {
        Vector.Widen(v, out Vector<ushort> lo, out Vector<ushort> hi);
        return Vector.Sum(lo) + (long)Vector.Sum(hi);
    }
}
