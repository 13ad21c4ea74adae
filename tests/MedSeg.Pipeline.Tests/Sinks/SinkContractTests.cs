using MedSeg.Core.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sinks;

namespace MedSeg.Pipeline.Tests.Sinks;

public sealed class StatsSinkContractTests : SinkTestBase
{
    protected override IFrameSink CreateSink() => new StatsSink();
}

public sealed class RenderMailboxContractTests : SinkTestBase
{
    protected override IFrameSink CreateSink() => new RenderMailbox();
}

public sealed class SessionRecorderContractTests : SinkTestBase
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-sink-").FullName;

    protected override IFrameSink CreateSink() => new SessionRecorder(new SessionRecorderOptions
    {
        Path = Path.Combine(_dir, $"{Guid.NewGuid():N}.msgpack"),
        Writer = new RecordingWriterOptions { Fsync = FsyncPolicy.None },
    });

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
