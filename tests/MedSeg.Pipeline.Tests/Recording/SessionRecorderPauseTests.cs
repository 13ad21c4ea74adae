using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Recording;

/// <summary>The viewer's R key: pausing the recorder leaves a gap in one session, counted, never a loss of what was recorded.</summary>
public sealed class SessionRecorderPauseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-rec-pause-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Paused_FramesPassUnrecorded_CountedAndTheSessionShowsTheGap()
    {
        string path = Path.Combine(_dir, "paused.msgpack");
        var recorder = new SessionRecorder(new SessionRecorderOptions
        {
            Path = path,
            Header = new SessionHeader { Source = "test", ClassNames = ["background", "lesion"] },
            Writer = new RecordingWriterOptions { Fsync = FsyncPolicy.None },
        });
        using var pool = new FramePool();
        var channel = Channel.CreateUnbounded<Frame>();
        var run = recorder.RunAsync(channel.Reader, CancellationToken.None);

        async Task Send(int from, int to, Func<bool> done)
        {
            for (int seq = from; seq < to; seq++) channel.Writer.TryWrite(TestFrames.Inferred(pool, seq, (x, y) => x > 8 ? 0.9f : 0.1f));
            // The recorder reads on its own task; wait until it has taken these before toggling.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!done() && DateTime.UtcNow < deadline) await Task.Delay(5);
            Assert.True(done(), $"recorder stalled: {recorder.Frames} written, {recorder.SkippedWhilePaused} skipped");
        }

        await Send(0, 3, () => recorder.Frames == 3);
        recorder.Paused = true;
        await Send(3, 5, () => recorder.SkippedWhilePaused == 2);
        recorder.Paused = false;
        await Send(5, 7, () => recorder.Frames == 5);
        channel.Writer.Complete();
        await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(5, recorder.Frames);
        Assert.Equal(2, recorder.SkippedWhilePaused);
        Assert.Equal(0, pool.Outstanding);   // skipped frames are released, not leaked
        using var reader = RecordingReader.Open(path);
        var record = new FrameRecord();
        var seqs = new List<long>();
        while (reader.ReadNext(record)) seqs.Add(record.Seq);
        Assert.Equal([0L, 1, 2, 5, 6], seqs);
    }
}
