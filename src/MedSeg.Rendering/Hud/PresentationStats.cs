using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Core.Timing;

namespace MedSeg.Rendering.Hud;

/// <summary>Counts what reached the screen: new frames per second, end-to-end latency (captured → presented), frames never shown.</summary>
/// <remarks>Fixed memory (a latency ring sized for 1000 fps × window, a ring of the last second's
/// presentation times, and the whole session's capture → screen latencies, the last 65,536 kept
/// for percentiles); allocates nothing per frame. GL thread only.</remarks>
public sealed class PresentationStats
{
    // Presentation times of up to this many recent frames: one second at 1000 fps.
    private const int RateCapacity = 1024;
    private readonly RollingLatencyWindow _latency;
    private readonly LatencySeries _session = new("capture-to-screen");
    private readonly long[] _presentedAt = new long[RateCapacity];
    private readonly long _rateWindow = Stopwatch.Frequency;   // fps is measured over the last second
    private long _lastSeq = -1;

    public PresentationStats(TimeSpan latencyWindow)
    {
        _latency = new RollingLatencyWindow(latencyWindow, capacity: (int)Math.Clamp(latencyWindow.TotalSeconds * 1000, 64, 1 << 16));
    }

    /// <summary>New frames drawn so far.</summary>
    public long FramesPresented { get; private set; }

    /// <summary>Frames skipped between the ones drawn (sequence gaps): dropped upstream, replaced in the mailbox, or taken while paused.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Sequence number of the newest frame drawn; −1 before the first.</summary>
    public long LastSeq => _lastSeq;

    /// <summary>New frames per second over the second before the last <see cref="Sample"/>; NaN before the first sample.</summary>
    public double Fps { get; private set; } = double.NaN;

    /// <summary>Records a frame drawn at <paramref name="presented"/> (ticks of <see cref="StageTimes.Now"/>).</summary>
    public void OnPresented(long seq, in StageTimes times, long presented)
    {
        if (_lastSeq >= 0 && seq > _lastSeq + 1) DroppedFrames += seq - _lastSeq - 1;
        _lastSeq = seq;
        _presentedAt[FramesPresented % RateCapacity] = presented;
        FramesPresented++;
        if (times.Captured == 0) return;
        double ms = StageTimes.Milliseconds(times.Captured, presented);
        _latency.Add(presented, ms);
        _session.Add(ms);
    }

    /// <summary>Forgets every frame recorded (after a warm-up's frames); the buffers are kept.</summary>
    public void Reset()
    {
        _latency.Reset();
        _session.Reset();
        (_lastSeq, FramesPresented, DroppedFrames, Fps) = (-1, 0, 0, double.NaN);
    }

    /// <summary>The whole run so far: frames shown, frames never shown, and capture → screen latency
    /// (the pipeline's own report stops at postprocessing; this adds the mailbox wait and the draw).</summary>
    public PresentationSummary Summarize() => new(FramesPresented, DroppedFrames, _session.Summarize());

    /// <summary>Updates <see cref="Fps"/> and summarises latency over the windows ending <paramref name="now"/>.</summary>
    public LatencySummary Sample(long now)
    {
        Fps = Rate(now);
        return _latency.Summarize("end-to-end", now);
    }

    /// <summary>
    /// Frame intervals over the span of the frames shown in the last second: 25 frames 40 ms apart
    /// read 25.0 whenever they are sampled. Counting frames per HUD refresh (every 250 ms) instead
    /// made a steady 25 fps stream read 24–28, as 6 or 7 frames fell into each period.
    /// </summary>
    private double Rate(long now)
    {
        long stored = Math.Min(FramesPresented, RateCapacity);
        if (stored == 0) return 0;
        long newest = _presentedAt[(FramesPresented - 1) % RateCapacity];
        if (now - newest > _rateWindow) return 0;   // nothing shown for a second: the stream stalled
        long oldest = newest;
        int frames = 1;
        for (long k = FramesPresented - 2; k >= FramesPresented - stored; k--)
        {
            long t = _presentedAt[k % RateCapacity];
            if (now - t > _rateWindow) break;
            (oldest, frames) = (t, frames + 1);
        }
        return frames >= 2 && newest > oldest ? (frames - 1) * (double)Stopwatch.Frequency / (newest - oldest) : frames;
    }
}
