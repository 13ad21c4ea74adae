using MedSeg.Core.Timing;

namespace MedSeg.Pipeline;

/// <summary>The once-a-second status line: rates since the previous summary, latency over the last window.</summary>
public readonly record struct LiveSummary(
    long FramesIn, long FramesOut, double FpsIn, double FpsOut, long Dropped, long Bad, LatencySummary EndToEnd,
    long Skipped = 0, string? SourceStatus = null, string? LastSkipped = null)
{
    public override string ToString() =>
        $"in {FpsIn,5:F1} fps · out {FpsOut,5:F1} fps · latency median {EndToEnd.Median,6:F1} ms p99 {EndToEnd.P99,6:F1} ms · " +
        $"frames {FramesOut}/{FramesIn} · dropped {Dropped} · bad {Bad} · skipped {Skipped}" +
        (LastSkipped is { } last ? $" (last: {last})" : "") + (SourceStatus is { } status ? $" · source {status}" : "");
}
