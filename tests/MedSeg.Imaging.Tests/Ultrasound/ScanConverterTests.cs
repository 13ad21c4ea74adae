using CsCheck;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Ultrasound;

namespace MedSeg.Imaging.Tests.Ultrasound;

/// <summary>
/// Scan conversion then its inverse gives back the pre-scan image within 1 pixel inside the
/// sector: every round-tripped value is a value the pre-scan image (bilinear) takes within one
/// pixel of that sample — i.e. it lies between the minimum and maximum of its 3 × 3 neighbourhood.
/// </summary>
/// <remarks>Geometries are drawn so that the Cartesian grid samples the fan at least 1.5× finer
/// than the pre-scan grid (the sampling condition under which the inverse can reproduce the
/// image); pre-scan images are white noise, the hardest case for "within 1 pixel".</remarks>
public sealed class ScanConverterTests
{
    private static readonly Gen<SectorGeometry> s_sector =
        Gen.Select(Gen.Double[10, 30], Gen.Double[30, 80], Gen.Double[-50, 10], Gen.Double[25, 95], Gen.Bool)
            .Select(static (minR, depth, start, span, coarse) => Sector(minR, minR + depth, start, span, coarse ? 2.0 : 1.5));

    private static readonly Gen<SectorGeometry> s_linear =
        Gen.Select(Gen.Int[40, 90], Gen.Int[40, 90], Gen.Double[1.5, 3])
            .Select(static (w, h, f) => new SectorGeometry { Kind = SectorKind.Linear, Width = w, Height = h, Lines = (int)(w / f), Samples = (int)(h / f) });

    [Fact]
    public void ToScanThenToPreScan_Sector_ReproducesWithinOnePixel() =>
        Gen.Select(s_sector, Gen.Int).Sample(static (g, seed) => AssertRoundTrip(g, seed), iter: 60);

    [Fact]
    public void ToScanThenToPreScan_Linear_ReproducesWithinOnePixel() =>
        Gen.Select(s_linear, Gen.Int).Sample(static (g, seed) => AssertRoundTrip(g, seed), iter: 30);

    [Fact]
    public void ToScan_OutsideTheSector_IsZeroAndMasked()
    {
        var g = Sector(20, 90, -40, 80, 1.5);
        var c = new ScanConverter(g);
        var pre = Enumerable.Repeat(200f, g.Lines * g.Samples).ToArray();
        var scan = new float[g.Width * g.Height];
        c.ToScan(pre, scan);
        int inside = 0;
        for (int i = 0; i < scan.Length; i++)
        {
            Assert.Equal(c.Mask[i] != 0 ? 200f : 0f, scan[i], 3);
            inside += c.Mask[i];
        }
        Assert.InRange(inside, scan.Length / 4, scan.Length - 1); // a real fan: neither empty nor the whole image
        Assert.Equal(c.Mask, g.Mask());
    }

    [Fact]
    public void Labels_RoundTrip_NeverInventIds()
    {
        var g = Sector(15, 70, -30, 60, 1.5);
        var c = new ScanConverter(g);
        var pre = new byte[g.Lines * g.Samples];
        for (int i = 0; i < pre.Length; i++) pre[i] = (byte)(i / g.Lines * 3 / g.Samples); // three depth bands: ids 0, 1, 2
        var scan = new byte[g.Width * g.Height];
        c.LabelsToScan(pre, scan);
        Assert.All(scan, v => Assert.InRange(v, (byte)0, (byte)2));
        Assert.Contains((byte)2, scan);
    }

    [Fact]
    public void Parse_SpecText_RoundTripsThroughToString()
    {
        var g = SectorGeometry.Parse("sector:apex=64,-20;radius=20,140;angle=-35,35;out=128x128;pre=64x96");
        Assert.Equal((SectorKind.Sector, 64.0, -20.0, 20.0, 140.0), (g.Kind, g.ApexX, g.ApexY, g.MinRadius, g.MaxRadius));
        Assert.Equal(g, SectorGeometry.Parse(g.ToString()));
        Assert.Throws<FormatException>(() => SectorGeometry.Parse("sector:apex=64,-20;radius=140,20;angle=-35,35;out=128x128;pre=64x96"));
    }

    private static void AssertRoundTrip(SectorGeometry g, int seed)
    {
        var c = new ScanConverter(g);
        var rng = new Random(seed);
        var pre = new float[g.Lines * g.Samples];
        for (int i = 0; i < pre.Length; i++) pre[i] = (float)(rng.NextDouble() * 255);
        var scan = new float[g.Width * g.Height];
        var back = new float[pre.Length];
        c.ToScan(pre, scan);
        c.ToPreScan(scan, back);
        int checkedPixels = 0;
        for (int s = 0; s < g.Samples; s++)
            for (int l = 0; l < g.Lines; l++)
            {
                if (!InsideWithItsNeighbours(c, g, l, s)) continue;
                float lo = float.MaxValue, hi = float.MinValue;
                for (int ds = -1; ds <= 1; ds++)
                    for (int dl = -1; dl <= 1; dl++)
                    {
                        int ss = Math.Clamp(s + ds, 0, g.Samples - 1), ll = Math.Clamp(l + dl, 0, g.Lines - 1);
                        lo = Math.Min(lo, pre[ss * g.Lines + ll]);
                        hi = Math.Max(hi, pre[ss * g.Lines + ll]);
                    }
                float v = back[s * g.Lines + l];
                Assert.True(v >= lo - 1e-3f && v <= hi + 1e-3f, $"{g}: pre-scan ({l},{s}) = {pre[s * g.Lines + l]} came back {v}, outside [{lo}, {hi}]");
                checkedPixels++;
            }
        // Edge lines and samples read the masked-off outside; most of the interior must have been checked.
        int interior = (g.Lines - 2) * (g.Samples - 2);
        Assert.True(checkedPixels >= interior / 2, $"{g}: only {checkedPixels} of {interior} interior pre-scan pixels lie inside the sector with their neighbours");
    }

    /// <summary>The Cartesian pixels the inverse reads for (line, sample) are all inside the sector.</summary>
    private static bool InsideWithItsNeighbours(ScanConverter c, SectorGeometry g, int line, int sample)
    {
        var (x, y) = g.ToScan(line, sample);
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        for (int dy = 0; dy <= 1; dy++)
            for (int dx = 0; dx <= 1; dx++)
            {
                int xx = x0 + dx, yy = y0 + dy;
                if (xx < 0 || yy < 0 || xx >= g.Width || yy >= g.Height || c.Mask[yy * g.Width + xx] == 0) return false;
            }
        return true;
    }

    /// <summary>A fan whose Cartesian image fits it with a 2-pixel margin, sampled <paramref name="fineness"/>× finer than its pre-scan grid.</summary>
    internal static SectorGeometry Sector(double minR, double maxR, double startDeg, double spanDeg, double fineness)
    {
        double a0 = startDeg * Math.PI / 180, a1 = (startDeg + spanDeg) * Math.PI / 180;
        int lines = Math.Max(2, (int)(minR * (a1 - a0) / fineness) + 1), samples = Math.Max(2, (int)((maxR - minR) / fineness) + 1);
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (int k = 0; k <= 64; k++)
        {
            double t = a0 + (a1 - a0) * k / 64;
            foreach (double r in new[] { minR, maxR })
            {
                (minX, maxX) = (Math.Min(minX, r * Math.Sin(t)), Math.Max(maxX, r * Math.Sin(t)));
                (minY, maxY) = (Math.Min(minY, r * Math.Cos(t)), Math.Max(maxY, r * Math.Cos(t)));
            }
        }
        return new SectorGeometry
        {
            Kind = SectorKind.Sector, Width = (int)Math.Ceiling(maxX - minX) + 5, Height = (int)Math.Ceiling(maxY - minY) + 5,
            Lines = lines, Samples = samples, ApexX = 2 - minX, ApexY = 2 - minY, MinRadius = minR, MaxRadius = maxR, StartAngle = a0, EndAngle = a1,
        }.Validate();
    }
}
