using MedSeg.Core.Timing;

namespace MedSeg.Cli.Bench;

/// <summary>One whole-pipeline measurement.</summary>
/// <param name="OverheadMs">End-to-end median minus the engine's own median batch time at the same batch size.</param>
public sealed record PipelineCell(
    string Scenario, int Size, int MaxBatch, double SourceFps, long Frames, long Processed, LatencySummary EndToEnd,
    IReadOnlyList<LatencySummary> Stages, double OverheadMs, long Drops, double AllocatedBytesPerFrame, int Gen0, int Gen1, int Gen2);
