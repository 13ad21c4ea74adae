using System.Diagnostics;

namespace MedSeg.Core.Timing;

/// <summary>
/// Latency samples (ms) of the last <c>window</c> of time, for a live summary line ("median / p99
/// over the last second").
/// </summary>
/// <remarks>
/// Samples are stamped with <see cref="Stopwatch.GetTimestamp"/> ticks (the pipeline clock).
/// Memory: a fixed ring of <c>capacity</c> samples allocated here; when more than that arrive
/// within one window the oldest are overwritten, so size it for the highest frame rate × window.
/// <see cref="Add"/> and <see cref="Summarize"/> allocate nothing. Not thread-safe.
/// </remarks>
public sealed class RollingLatencyWindow
{
    private readonly long[] _times;
    private readonly double[] _values;
    private readonly double[] _scratch;
    private readonly long _windowTicks;
    private long _count;

    public RollingLatencyWindow(TimeSpan window, int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Window = window;
        _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
        _times = new long[capacity];
        _values = new double[capacity];
        _scratch = new double[capacity];
    }

    public TimeSpan Window { get; }

    public void Add(long timestamp, double milliseconds)
    {
        if (double.IsNaN(milliseconds)) return;
        int i = (int)(_count % _times.Length);
        _times[i] = timestamp;
        _values[i] = milliseconds;
        _count++;
    }

    /// <summary>Forgets every sample (the ring is kept).</summary>
    public void Reset() => _count = 0;

    /// <summary>Samples stamped within (now − window, now].</summary>
    public LatencySummary Summarize(string name, long now)
    {
        int n = 0;
        double sum = 0;
        int stored = (int)Math.Min(_count, _times.Length);
        for (int i = 0; i < stored; i++)
        {
            long age = now - _times[i];
            if (age < 0 || age >= _windowTicks) continue;
            _scratch[n++] = _values[i];
            sum += _values[i];
        }
        if (n == 0) return LatencySummary.Empty(name);
        var sorted = _scratch.AsSpan(0, n);
        sorted.Sort();
        return LatencySummary.FromSorted(name, sorted, sum / n, sorted[^1]);
    }
}
