using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sinks.stats</c>: the built-in statistics sink.</summary>
public sealed class StatsSection
{
    [YamlMember(Order = 0, Description = "First frames (per stream) left out of the latency statistics (default 0)")]
    public int WarmupFrames { get; set; }

    [YamlMember(Order = 1, Description = "Latency samples kept per stage for the final percentiles (default 65536)")]
    public int LatencyCapacity { get; set; } = 65_536;

    [YamlMember(Order = 2, Description = "Span of the live status line's median / p99 in ms (default 1000)")]
    public double SummaryWindowMs { get; set; } = 1000;

    [YamlMember(Order = 3, Description = "How long sinks may take to flush and close after the rest stopped, in s (default 10)")]
    public double CloseTimeoutS { get; set; } = 10;

    internal void Validate()
    {
        if (WarmupFrames < 0) throw new ArgumentOutOfRangeException("sinks.stats.warmupFrames", WarmupFrames, "must be ≥ 0");
        if (LatencyCapacity < 1) throw new ArgumentOutOfRangeException("sinks.stats.latencyCapacity", LatencyCapacity, "must be ≥ 1");
        if (!(SummaryWindowMs > 0)) throw new ArgumentOutOfRangeException("sinks.stats.summaryWindowMs", SummaryWindowMs, "must be > 0");
        if (!(CloseTimeoutS > 0)) throw new ArgumentOutOfRangeException("sinks.stats.closeTimeoutS", CloseTimeoutS, "must be > 0");
    }
}
