using MedSeg.Core.Timing;
using MedSeg.Pipeline;

namespace MedSeg.Cli.Bench;

/// <summary>N streams at one rate on one model: totals, the worst stream, and whether the machine kept up.</summary>
/// <param name="MinProcessedPercent">The worst stream's share of its frames that reached the sinks.</param>
/// <param name="Sustained">Every stream ≥ 99.5 % processed and the total p99 ≤ 2 × the total median.</param>
public sealed record StreamsCell(
    int Streams, double Fps, int MaxBatch, long FramesIn, long FramesOut, double ProcessedPercent, double MinProcessedPercent,
    long Drops, double MeanBatch, LatencySummary Total, IReadOnlyList<StreamReport> PerStream, bool Sustained);
