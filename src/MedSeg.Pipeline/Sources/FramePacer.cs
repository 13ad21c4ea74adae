using System.Diagnostics;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources;

/// <summary>Paces frames on the monotonic clock like a camera shutter: frame k is due at start + k / fps.</summary>
/// <remarks>A source that falls more than one period behind re-anchors instead of bursting to catch up.
/// fps 0 never waits.</remarks>
internal sealed class FramePacer
{
    private readonly long _period;
    private long _due;

    public FramePacer(double fps)
    {
        _period = fps > 0 ? (long)(Stopwatch.Frequency / fps) : 0;
        Start = _due = StageTimes.Now();
    }

    public long Start { get; }

    public async ValueTask WaitAsync(CancellationToken ct)
    {
        if (_period == 0) return;
        long now = StageTimes.Now();
        if (now - _due > _period) _due = now;
        else await DelayUntilAsync(_due, ct).ConfigureAwait(false);
        _due += _period;
    }

    /// <summary>Waits until the monotonic clock reaches <paramref name="target"/> (no wait when it already has).</summary>
    public static async ValueTask DelayUntilAsync(long target, CancellationToken ct)
    {
        // Task.Delay counts whole milliseconds on a coarser clock than Stopwatch and was seen to end
        // 1.5 ms short of a 10 ms wait on CI, so one delay, even rounded up, can release a frame
        // early. Wait again for whatever is left until the monotonic clock says the time has come.
        for (long now = StageTimes.Now(); now < target; now = StageTimes.Now())
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(StageTimes.Milliseconds(now, target))), ct).ConfigureAwait(false);
    }
}
