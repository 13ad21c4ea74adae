namespace MedSeg.Pipeline.Sinks;

/// <summary>Options of <see cref="StatsSink"/>.</summary>
public sealed record StatsSinkOptions
{
    /// <summary>First frames left out of the latency statistics (allocator / JIT / cache warm-up).</summary>
    public int WarmupFrames { get; init; }
    /// <summary>Samples kept per stage for the final percentiles.</summary>
    public int Capacity { get; init; } = 65_536;
    /// <summary>Span of the live summary (median / p99 over the last …).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Ring size of the live window; enough for Window × the highest frame rate.</summary>
    public int WindowCapacity { get; init; } = 4096;
    /// <summary>Streams of the session: end-to-end latency and frame counts are also kept per stream id 0 … Streams − 1.</summary>
    public int Streams { get; init; } = 1;

    public StatsSinkOptions Validate()
    {
        if (WarmupFrames < 0) throw new ArgumentOutOfRangeException(nameof(WarmupFrames), WarmupFrames, "must be ≥ 0");
        if (Capacity < 1) throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "must be ≥ 1");
        if (Window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be positive");
        if (WindowCapacity < 1) throw new ArgumentOutOfRangeException(nameof(WindowCapacity), WindowCapacity, "must be ≥ 1");
        if (Streams is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(Streams), Streams, "must be 1–256");
        return this;
    }
}
