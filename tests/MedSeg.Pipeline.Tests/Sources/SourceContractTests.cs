using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

/// <summary>The source contract (SourceTestBase) for the synthetic source, plus what only it promises.</summary>
public sealed class SyntheticSourceContractTests : SourceTestBase
{
    protected override IFrameSource CreateSource(FramePool pool) => SourceFactory.Create($"synthetic:lesion?fps=0&frames={Frames}&size=32", pool);

    [Fact]
    public async Task RunAsync_Synthetic_EveryFrameCarriesItsExactGroundTruth()
    {
        var output = Channels.Unbounded<Frame>();
        await CreateSource(Pool).RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();
        var frames = await Channels.ReadAllAsync(output.Reader);

        Assert.All(frames, f => Assert.True(f.HasGroundTruth && f.GroundTruth.Length == f.Info.Width * f.Info.Height));
        foreach (var f in frames) f.Dispose();
    }
}

public sealed class RecordingSourceContractTests : SourceTestBase
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-src-").FullName;
    private readonly string _path;

    public RecordingSourceContractTests()
    {
        _path = Path.Combine(_dir, "s.msgpack");
        using var writer = RecordingWriter.Create(_path, new SessionHeader { Width = 16, Height = 16, MaskWidth = 16, MaskHeight = 16, ClassNames = ["bg", "fg"] },
                                                  new RecordingWriterOptions { Fsync = FsyncPolicy.None });
        using var pool = new FramePool();
        for (int i = 0; i < Frames; i++)
        {
            using var frame = TestFrames.Inferred(pool, i, (x, y) => x > 8 ? 0.9f : 0.1f);
            frame.Times.Postprocessed = StageTimes.Now();
            writer.Append(frame);
        }
    }

    protected override IFrameSource CreateSource(FramePool pool) => SourceFactory.Create($"recording:{_path}?max=1", pool);

    [Fact]
    public async Task RunAsync_Recording_ReplaysTheRecordedFrameSize()
    {
        var output = Channels.Unbounded<Frame>();
        await CreateSource(Pool).RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();
        var frames = await Channels.ReadAllAsync(output.Reader);

        Assert.Equal(Frames, frames.Count);
        Assert.All(frames, f => Assert.Equal((16, 16), (f.Info.Width, f.Info.Height)));
        foreach (var f in frames) f.Dispose();
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
