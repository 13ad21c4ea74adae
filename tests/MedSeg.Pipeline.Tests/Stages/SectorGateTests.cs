using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class SectorGateTests
{
    // A 64×48 fan predicted at a 32×24 model output: each output pixel covers 2×2 image pixels.
    private static readonly SectorGeometry s_sector = SectorGeometry.Parse("sector:apex=32,-8;radius=12,52;angle=-35,35;out=64x48;pre=24x32");

    [Fact]
    public void Apply_ScanConvertedFrame_ClearsExactlyThePixelsWhoseCentreIsOutsideTheFan()
    {
        using var pool = new FramePool();
        using var frame = AllForeground(pool, s_sector.Width, s_sector.Height, s_sector);
        var gate = new SectorGate(32, 24);

        Assert.True(gate.Apply(frame));

        int inside = 0, outside = 0;
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 32; x++)
            {
                // Independent reference: the output pixel's centre in image pixels, tested against the fan's polar bounds.
                double cx = 2 * x + 0.5, cy = 2 * y + 0.5;
                double r = Math.Sqrt((cx - 32) * (cx - 32) + (cy + 8) * (cy + 8)), theta = Math.Atan2(cx - 32, cy + 8) * 180 / Math.PI;
                bool inFan = r >= 12 - 1e-6 && r <= 52 + 1e-6 && theta >= -35 - 1e-6 && theta <= 35 + 1e-6;
                int p = y * 32 + x;
                Assert.Equal(inFan ? 1 : 0, frame.Labels[p]);
                Assert.Equal(inFan ? 0.9f : 0f, frame.Foreground[p]);
                if (inFan) inside++; else outside++;
            }
        Assert.True(inside > 100 && outside > 100, $"the case must have both: {inside} inside, {outside} outside");
    }

    [Fact]
    public void Apply_FrameWithoutSectorOrPreScan_LeavesThePredictionAlone()
    {
        using var pool = new FramePool();
        using var plain = AllForeground(pool, 64, 48, sector: null);
        using var preScan = AllForeground(pool, s_sector.Lines, s_sector.Samples, s_sector);
        var gate = new SectorGate(32, 24);

        Assert.False(gate.Apply(plain));
        Assert.False(gate.Apply(preScan));
        Assert.All(plain.Labels.ToArray(), l => Assert.Equal(1, l));
        Assert.All(preScan.Labels.ToArray(), l => Assert.Equal(1, l));
    }

    [Fact]
    public void Apply_SectorChanges_RebuildsTheMask()
    {
        using var pool = new FramePool();
        var wide = s_sector;
        var narrow = s_sector with { StartAngle = -10 * Math.PI / 180, EndAngle = 10 * Math.PI / 180 };
        var gate = new SectorGate(32, 24);
        using var a = AllForeground(pool, 64, 48, wide);
        using var b = AllForeground(pool, 64, 48, narrow);

        gate.Apply(a);
        gate.Apply(b);

        int Count(Frame f) => f.Labels.ToArray().Count(l => l == 1);
        Assert.True(Count(b) < Count(a) / 2, $"narrow fan kept {Count(b)} of wide {Count(a)}");
    }

    private static Frame AllForeground(FramePool pool, int width, int height, SectorGeometry? sector)
    {
        var info = new FrameInfo(0, TimeSpan.Zero, width, height, PixelFormat.Gray8)
        {
            Geometry = FrameGeometry.UnknownBecause("test") with { Sector = sector },
        };
        var frame = pool.Rent(info);
        frame.AllocateOutputs(32, 24);
        frame.Labels.Fill(1);
        frame.Foreground.Fill(0.9f);
        return frame;
    }
}
