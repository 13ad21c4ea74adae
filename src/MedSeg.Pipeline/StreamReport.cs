using MedSeg.Core.Timing;

namespace MedSeg.Pipeline;

/// <summary>One stream of a run: what its source wrote, what reached the sinks, what its source edge dropped, how late.</summary>
/// <param name="FramesOut">Frames of this stream that reached the fan-out (the statistics sink saw them).</param>
/// <param name="Dropped">Frames its source edge dropped (a live stream behind); batch-edge drops show in the totals.</param>
public sealed record StreamReport(int Stream, string Source, PipelineMode Mode, long FramesIn, long FramesOut, long Dropped, LatencySummary EndToEnd)
{
    /// <summary>Share of the frames written that reached the sinks, in percent.</summary>
    public double ProcessedPercent => FramesIn == 0 ? 0 : 100.0 * FramesOut / FramesIn;
}
