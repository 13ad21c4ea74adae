using System.Numerics;

namespace MedSeg.Core.Metrics;

/// <summary>
/// The confusion counts of two 0/1 masks, vectorised: the integer counts the general confusion
/// matrix gives for two classes, at a fraction of its per-pixel cost (replay scoring reads
/// thousands of frames per second and must keep up).
/// </summary>
internal static class BinaryConfusion
{
    /// <summary>Pixels set in both, in the prediction, in the truth (values are 0/1).</summary>
    public static (long Both, long Predicted, long Truth) Count(ReadOnlySpan<byte> p, ReadOnlySpan<byte> t)
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
