using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Core.Timing;

namespace MedSeg.Rendering.Hud;

/// <summary>Counts what reached the screen: new frames per second, end-to-end latency (captured → presented), frames never shown.</summary>
/// <remarks>Fixed memory (a latency ring sized for 1000 fps × window); allocates nothing per frame. GL thread only.</remarks>
public sealed class PresentationStats
{
    private readonly RollingLatencyWindow _latency;
    private long _lastSeq = -1, _windowStart, _framesInWindow;

    public PresentationStats(TimeSpan latencyWindow)
    {
        _latency = new RollingLatencyWindow(latencyWindow, capacity: (int)Math.Clamp(latencyWindow.TotalSeconds * 1000, 64, 1 << 16));
        _windowStart = StageTimes.Now();
    }

    /// <summary>New frames drawn so far.</summary>
    public long FramesPresented { get; private set; }

    /// <summary>Frames skipped between the ones drawn (sequence gaps): dropped upstream, replaced in the mailbox, or taken while paused.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Sequence number of the newest frame drawn; −1 before the first.</summary>
    public long LastSeq => _lastSeq;

    /// <summary>Frames per second over the last <see cref="Sample"/> period.</summary>
    public double Fps { get; private set; } = double.NaN;

    /// <summary>Records a frame drawn at <paramref name="presented"/> (ticks of <see cref="StageTimes.Now"/>).</summary>
    public void OnPresented(long seq, in StageTimes times, long presented)
    {
        if (_lastSeq >= 0 && seq > _lastSeq + 1) DroppedFrames += seq - _lastSeq - 1;
        _lastSeq = seq;
        FramesPresented++;
        _framesInWindow++;
        if (times.Captured != 0) _latency.Add(presented, StageTimes.Milliseconds(times.Captured, presented));
    }

    /// <summary>Closes the fps period and summarises latency over the window ending <paramref name="now"/>.</summary>
    public LatencySummary Sample(long now)
    {
        double seconds = (now - _windowStart) / (double)Stopwatch.Frequency;
        if (seconds > 0) Fps = _framesInWindow / seconds;
        _windowStart = now;
        _framesInWindow = 0;
        return _latency.Summarize("end-to-end", now);
    }
}
