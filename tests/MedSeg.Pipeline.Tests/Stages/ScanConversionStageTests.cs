using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Phantoms;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Stages.ScanConversion;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class ScanConversionStageTests : StageTestBase<Frame, Frame>
{
    private static readonly SectorGeometry s_sector = SectorGeometry.Parse("sector:apex=20,-6;radius=10,40;angle=-40,40;out=40x36;pre=16x24");

    protected override IPipelineStage<Frame, Frame> CreateStage() =>
        new ScanConversionStage(new ScanConversionStageOptions { Sector = s_sector }, Pool);

    protected override Frame CreateInput(int index)
    {
        var f = Pool.Rent(new FrameInfo(index, TimeSpan.FromMilliseconds(40 * index), s_sector.Lines, s_sector.Samples, PixelFormat.Gray8));
        f.Pixels.Fill((byte)(100 + index));
        return f;
    }

    [Fact]
    public async Task SyntheticPreScan_ThroughScanConvertSpec_GivesCartesianFramesWithTheirSector()
    {
        using var pool = new FramePool();
        var pre = Assert.IsType<SyntheticSource>(SourceFactory.Create("synthetic:lesion?fps=0&frames=3&size=64&seed=2&prescan=1", pool));
        var sector = Assert.IsType<SectorGeometry>(pre.Sector);
        var preFrames = await Collect(pre);
        Assert.All(preFrames, f =>
        {
            Assert.Equal((sector.Lines, sector.Samples), (f.Info.Width, f.Info.Height));
            Assert.Equal(sector, f.Info.Geometry.Sector);
            Assert.True(f.HasGroundTruth);
        });
        Release(preFrames);

        var scan = SourceFactory.Create("scanconvert:synthetic:lesion?fps=0&frames=3&size=64&seed=2&prescan=1", pool);
        var direct = await Collect(new SyntheticSource(new SyntheticSourceOptions { Task = SyntheticTask.Lesion, Fps = 0, Frames = 3, Size = 64, Seed = 2 }, pool));
        var converted = await Collect(scan);
        Assert.Equal(3, converted.Count);
        var mask = sector.Mask();
        for (int k = 0; k < 3; k++)
        {
            var f = converted[k];
            Assert.Equal((64, 64, (long)k), (f.Info.Width, f.Info.Height, f.Info.Seq));
            Assert.Equal(sector, f.Info.Geometry.Sector);
            int inside = 0, agree = 0;
            for (int i = 0; i < mask.Length; i++)
            {
                if (mask[i] == 0)
                {
                    Assert.Equal(0, f.Pixels[i]);           // nothing outside the fan
                    Assert.Equal(0, f.GroundTruth[i]);
                    continue;
                }
                inside++;
                if (f.GroundTruth[i] == direct[k].GroundTruth[i]) agree++;
            }
            // Pre-scan then back again keeps the lesions where they were (nearest both ways; only edges move).
            Assert.True(agree >= 0.97 * inside, $"frame {k}: ground truth agrees on {agree} of {inside} pixels inside the sector");
            Assert.Contains((byte)1, f.GroundTruth.ToArray());
        }
        Release(direct);
        Release(converted);
    }

    [Fact]
    public async Task Frame_WithoutSector_PassesOnMarkedBad()
    {
        var stage = new ScanConversionStage(new ScanConversionStageOptions(), Pool);
        var outputs = await RunFrames(stage, TestFrames.Gray(Pool, 0));
        var only = Assert.Single(outputs);
        Assert.True((only.Flags & FrameFlags.BadInput) != 0);
        Assert.Contains("no ultrasound sector", only.DropDetail);
        Release(outputs);
    }

    private static async Task<List<Frame>> Collect(IFrameSource source)
    {
        var channel = Channel.CreateUnbounded<Frame>();
        await source.RunAsync(channel.Writer, CancellationToken.None);
        channel.Writer.TryComplete();
        var frames = new List<Frame>();
        await foreach (var f in channel.Reader.ReadAllAsync()) frames.Add(f);
        return frames;
    }

    private static async Task<List<Frame>> RunFrames(ScanConversionStage stage, params Frame[] frames)
    {
        var input = Channel.CreateUnbounded<Frame>();
        var output = Channel.CreateUnbounded<Frame>();
        foreach (var f in frames) input.Writer.TryWrite(f);
        input.Writer.Complete();
        await stage.RunAsync(input.Reader, output.Writer, CancellationToken.None);
        var result = new List<Frame>();
        await foreach (var f in output.Reader.ReadAllAsync()) result.Add(f);
        return result;
    }
}
