using System.Diagnostics;

namespace MedSeg.Rendering.Loop;

/// <summary>The real clock: <see cref="Stopwatch"/> time; waits by sleeping, then yielding for the last ~2 ms.</summary>
public sealed class StopwatchClock : IGameClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Wait(TimeSpan remaining)
    {
        // NOTE: like MonoGame, sleep only in 1 ms slices while ≥ 2 ms remain: the OS sleep can
        // overshoot by a timer period, and a long sleep would make frames late.
        if (remaining.TotalMilliseconds >= 2.0) Thread.Sleep(1);
        else Thread.Yield();
    }

    public void Sleep(TimeSpan duration) => Thread.Sleep(duration);
}
