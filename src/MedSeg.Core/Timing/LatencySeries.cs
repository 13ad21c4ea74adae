namespace MedSeg.Core.Timing;

/// <summary>
/// Latency samples (ms) of one named stage over a whole run, after skipping warm-up samples.
/// </summary>
/// <remarks>
/// Memory: two arrays of <c>capacity</c> doubles, allocated here; <see cref="Add"/> and
/// <see cref="Summarize"/> allocate nothing. Past <c>capacity</c> samples the oldest are
/// overwritten, so percentiles describe the latest <c>capacity</c> samples while
/// <see cref="LatencySummary.Max"/> and the mean still cover every sample.
/// Not thread-safe: one writer, and summarise from the same thread or under the writer's lock.
/// </remarks>
public sealed class LatencySeries
{
    private readonly double[] _samples;
    private readonly double[] _scratch;
    private readonly int _warmup;
    private long _seen, _count;
    private double _sum, _max = double.NegativeInfinity;

    public LatencySeries(string name, int capacity = 65_536, int warmup = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        Name = name;
        _samples = new double[capacity];
        _scratch = new double[capacity];
        _warmup = warmup;
    }

    public string Name { get; }

    /// <summary>Samples recorded after warm-up.</summary>
    public long Count => _count;

    /// <summary>Samples skipped as warm-up.</summary>
    public long Skipped => Math.Min(_seen, _warmup);

    public void Add(double milliseconds)
    {
        if (_seen++ < _warmup || double.IsNaN(milliseconds)) return;
        _samples[_count % _samples.Length] = milliseconds;
        _count++;
        _sum += milliseconds;
        if (milliseconds > _max) _max = milliseconds;
    }

    public LatencySummary Summarize()
    {
        int n = (int)Math.Min(_count, _samples.Length);
        if (n == 0) return LatencySummary.Empty(Name);
        var sorted = _scratch.AsSpan(0, n);
        _samples.AsSpan(0, n).CopyTo(sorted);
        sorted.Sort();
        return LatencySummary.FromSorted(Name, sorted, _sum / _count, _max);
    }

    public void Reset() => (_seen, _count, _sum, _max) = (0, 0, 0, double.NegativeInfinity);
}
