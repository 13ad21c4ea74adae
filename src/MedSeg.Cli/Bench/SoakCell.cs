using MedSeg.Core.Timing;

namespace MedSeg.Cli.Bench;

/// <summary>
/// A long run at a fixed source rate: did every frame get through, did latency drift, did memory grow?
/// Drift compares the p99 of the last 1,000 frames with the p99 of the first 1,000 (after warm-up).
/// </summary>
public sealed record SoakCell(
    string Scenario, int Size, int MaxBatch, double SourceFps, long Frames, long Processed, double ProcessedPercent,
    LatencySummary EndToEnd, double P99First1000, double P99Last1000, double DriftPercent, long Drops,
    double WorkingSetStartMb, double WorkingSetEndMb, double ManagedHeapStartMb, double ManagedHeapEndMb,
    double AllocatedBytesPerFrame, int Gen0, int Gen1, int Gen2);
