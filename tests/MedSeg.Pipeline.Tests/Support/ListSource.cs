using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Pipeline.Tests.Support;

/// <summary>Writes frames as fast as the edge takes them: <c>make(pool, seq)</c> for seq 0 … count − 1.</summary>
internal sealed class ListSource(FramePool pool, int count, Func<FramePool, long, Frame>? make = null) : IFrameSource
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description => $"list of {count} frames";

    /// <summary>Throws after writing this many frames; -1 for never.</summary>
    public int FailAfter { get; init; } = -1;

    /// <summary>Stops producing (without ending) after this many frames until cancelled; -1 for never.</summary>
    public int HangAfter { get; init; } = -1;

    /// <summary>Completes when the last frame was written (or the source stopped).</summary>
    public Task Done => _done.Task;

    public long Written { get; private set; }

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        try
        {
            for (int seq = 0; seq < count; seq++)
            {
                ct.ThrowIfCancellationRequested();
                if (seq == FailAfter) throw new IOException("camera unplugged on purpose");
                if (seq == HangAfter)
                {
                    _done.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
                var frame = (make ?? ((p, s) => TestFrames.Gray(p, s)))(pool, seq);
                frame.Times.Queued = StageTimes.Now();
                try
                {
                    await output.WriteAsync(frame, ct);
                }
                catch
                {
                    frame.Dispose(); // a write that failed leaves the frame with the source
                    throw;
                }
                Written++;
            }
        }
        finally
        {
            _done.TrySetResult();
        }
    }
}
