using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sinks;

namespace MedSeg.Pipeline.Tests.Sinks;

// Each class runs the sink contract (SinkTestBase: completion, faults, cancellation, no leaks)
// for one sink, plus the one thing that sink exists to do.

public sealed class StatsSinkContractTests : SinkTestBase
{
    protected override IFrameSink CreateSink() => new StatsSink();

    [Fact]
    public async Task RunAsync_FiveFrames_CountsEveryOne()
    {
        var sink = new StatsSink();
        await RunFramesAsync(sink, 5);
        Assert.Equal(5, sink.Frames);
    }
}

public sealed class RenderMailboxContractTests : SinkTestBase
{
    protected override IFrameSink CreateSink() => new RenderMailbox();

    [Fact]
    public async Task RunAsync_FiveFrames_KeepsOnlyTheNewest()
    {
        var sink = new RenderMailbox();
        await RunFramesAsync(sink, 5);

        Assert.True(sink.TryTake(out Frame newest));
        Assert.Equal(4, newest.Info.Seq);
        newest.Dispose();
        Assert.False(sink.TryTake(out _));
        Release(sink);
    }
}

public sealed class SessionRecorderContractTests : SinkTestBase
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-sink-").FullName;

    protected override IFrameSink CreateSink() => new SessionRecorder(new SessionRecorderOptions
    {
        Path = Path.Combine(_dir, $"{Guid.NewGuid():N}.msgpack"),
        Writer = new RecordingWriterOptions { Fsync = FsyncPolicy.None },
    });

    [Fact]
    public async Task RunAsync_FiveFrames_ClosedFileHoldsThemAll()
    {
        string path = Path.Combine(_dir, "five.msgpack");
        var sink = new SessionRecorder(new SessionRecorderOptions { Path = path, Writer = new RecordingWriterOptions { Fsync = FsyncPolicy.None } });
        await RunFramesAsync(sink, 5);
        Release(sink);

        var summary = RecordingSummary.Scan(path);
        Assert.True(summary.HasFooter);
        Assert.Equal((5L, 0L, 4L), (summary.Frames, summary.FirstSeq, summary.LastSeq));
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
