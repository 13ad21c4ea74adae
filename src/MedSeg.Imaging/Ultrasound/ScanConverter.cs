using System.Numerics;
using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Ultrasound;

/// <summary>
/// Ultrasound scan conversion and its inverse for one <see cref="SectorGeometry"/>: pre-scan
/// (beam line × depth sample) ↔ scan-converted (Cartesian) images, bilinear for intensities,
/// nearest for class-id masks, with the sector mask of the Cartesian image.
/// </summary>
/// <remarks>
/// Memory: two lookup tables (one per direction: a source index and two fractions per target
/// pixel), built once in the constructor; converting allocates nothing. Outside the sector the
/// Cartesian image is 0 (and its mask 0); pre-scan samples whose position falls off the Cartesian
/// image are 0. Thread-safe once built (read-only tables).
/// </remarks>
public sealed class ScanConverter
{
    private readonly Lut _toScan, _toPreScan;

    public ScanConverter(SectorGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Geometry = geometry.Validate();
        int w = geometry.Width, h = geometry.Height, lines = geometry.Lines, samples = geometry.Samples;
        Mask = new byte[w * h];
        _toScan = new Lut(w * h, lines * samples);
        for (int y = 0, i = 0; y < h; y++)
            for (int x = 0; x < w; x++, i++)
            {
                if (!geometry.ToPreScan(x, y, out double line, out double sample)) continue;
                Mask[i] = 1;
                _toScan.Set(i, Math.Clamp(line, 0, lines - 1), Math.Clamp(sample, 0, samples - 1), lines, samples);
            }
        _toPreScan = new Lut(lines * samples, w * h);
        for (int s = 0, i = 0; s < samples; s++)
            for (int l = 0; l < lines; l++, i++)
            {
                var (x, y) = geometry.ToScan(l, s);
                if (x < -1e-9 || y < -1e-9 || x > w - 1 + 1e-9 || y > h - 1 + 1e-9) continue;
                _toPreScan.Set(i, Math.Clamp(x, 0, w - 1), Math.Clamp(y, 0, h - 1), w, h);
            }
    }

    public SectorGeometry Geometry { get; }

    /// <summary>1 inside the sector, 0 outside (Height × Width of the scan-converted image).</summary>
    public byte[] Mask { get; }

    /// <summary>Pre-scan (Samples × Lines, row = depth) → scan-converted (Height × Width), bilinear.</summary>
    public void ToScan(ReadOnlySpan<float> preScan, Span<float> scan) => Bilinear(_toScan, preScan, Geometry.Lines, scan);

    /// <summary>Scan-converted → pre-scan, bilinear (the inverse of <see cref="ToScan(ReadOnlySpan{float}, Span{float})"/> inside the sector).</summary>
    public void ToPreScan(ReadOnlySpan<float> scan, Span<float> preScan) => Bilinear(_toPreScan, scan, Geometry.Width, preScan);

    public void ToScan(ReadOnlySpan<byte> preScan, Span<byte> scan) => Bilinear(_toScan, preScan, Geometry.Lines, scan);

    public void ToPreScan(ReadOnlySpan<byte> scan, Span<byte> preScan) => Bilinear(_toPreScan, scan, Geometry.Width, preScan);

    /// <summary>Class ids, pre-scan → scan-converted, nearest (ids are never blended).</summary>
    public void LabelsToScan(ReadOnlySpan<byte> preScan, Span<byte> scan) => Nearest(_toScan, preScan, Geometry.Lines, scan);

    /// <summary>Class ids, scan-converted → pre-scan, nearest.</summary>
    public void LabelsToPreScan(ReadOnlySpan<byte> scan, Span<byte> preScan) => Nearest(_toPreScan, scan, Geometry.Width, preScan);

    private static void Bilinear(Lut t, ReadOnlySpan<float> src, int stride, Span<float> dst)
    {
        Check(t, src.Length, stride, dst.Length);
        for (int i = 0; i < dst.Length; i++) dst[i] = t.Index[i] < 0 ? 0 : Interpolate(t, i, src, stride);
    }

    private static void Bilinear(Lut t, ReadOnlySpan<byte> src, int stride, Span<byte> dst)
    {
        Check(t, src.Length, stride, dst.Length);
        for (int i = 0; i < dst.Length; i++) dst[i] = t.Index[i] < 0 ? (byte)0 : (byte)Math.Clamp(Interpolate(t, i, src, stride) + 0.5f, 0f, 255f);
    }

    private static float Interpolate<T>(Lut t, int i, ReadOnlySpan<T> src, int stride) where T : unmanaged, INumberBase<T>
    {
        int at = t.Index[i];
        float fx = t.Fx[i], fy = t.Fy[i];
        int right = fx > 0 ? 1 : 0, down = fy > 0 ? stride : 0;
        float a = float.CreateTruncating(src[at]), b = float.CreateTruncating(src[at + right]);
        float c = float.CreateTruncating(src[at + down]), d = float.CreateTruncating(src[at + down + right]);
        float top = a + fx * (b - a), bottom = c + fx * (d - c);
        return top + fy * (bottom - top);
    }

    private static void Nearest(Lut t, ReadOnlySpan<byte> src, int stride, Span<byte> dst)
    {
        Check(t, src.Length, stride, dst.Length);
        for (int i = 0; i < dst.Length; i++)
        {
            int at = t.Index[i];
            dst[i] = at < 0 ? (byte)0 : src[at + (t.Fx[i] >= 0.5f ? 1 : 0) + (t.Fy[i] >= 0.5f ? stride : 0)];
        }
    }

    private static void Check(Lut t, int src, int stride, int dst)
    {
        if (dst != t.Index.Length) throw new ArgumentException($"target has {dst} pixels, the geometry makes {t.Index.Length}");
        if (src != t.SourcePixels) throw new ArgumentException($"source has {src} pixels, the geometry expects {t.SourcePixels} (rows of {stride})");
    }

    /// <summary>Per target pixel: top-left source index (−1 = nothing) and the fractions towards the next column / row.</summary>
    private sealed class Lut
    {
        public readonly int[] Index;
        public readonly float[] Fx, Fy;
        public readonly int SourcePixels;

        public Lut(int pixels, int sourcePixels)
        {
            SourcePixels = sourcePixels;
            Index = new int[pixels];
            Array.Fill(Index, -1);
            Fx = new float[pixels];
            Fy = new float[pixels];
        }

        public void Set(int i, double x, double y, int width, int height)
        {
            int x0 = Math.Min((int)x, width - 1), y0 = Math.Min((int)y, height - 1);
            Index[i] = y0 * width + x0;
            // At the last column / row the fraction is 0, so the bilinear step never reads past it.
            Fx[i] = x0 < width - 1 ? (float)(x - x0) : 0;
            Fy[i] = y0 < height - 1 ? (float)(y - y0) : 0;
        }
    }
}
