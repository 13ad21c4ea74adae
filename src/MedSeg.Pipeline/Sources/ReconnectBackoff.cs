namespace MedSeg.Pipeline.Sources;

/// <summary>Exponential backoff between reconnect attempts: initial, 2×, 4×, … capped at max; reset by a success.</summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial, _max;
    private TimeSpan _next;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        (_initial, _max, _next) = (initial, max, initial);
    }

    /// <summary>Failed attempts since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>The wait before the next attempt; doubles each time up to the cap.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, _next.Ticks * 2));
        Failures++;
        return wait;
    }

    public Task DelayAsync(CancellationToken ct) => Task.Delay(Next(), ct);

    public void Reset()
    {
        _next = _initial;
        Failures = 0;
    }
}
