namespace MedSeg.Cli.Bench;

/// <summary>One engine inside the whole pipeline (steady source at half its batch-1 rate).</summary>
/// <param name="EngineMs">Median of the inference stage in this run.</param>
/// <param name="OverheadMs">End-to-end median minus <paramref name="EngineMs"/>: what the pipeline adds.</param>
/// <param name="CpuMsPerFrame">Process CPU time per frame over the run (a spinning pool shows here).</param>
public sealed record EnginePipelineCell(string Engine, int Size, int Threads, double SourceFps, long Frames, double EngineMs,
                                        double EndToEndMedianMs, double EndToEndP99Ms, double OverheadMs, double AllocatedBytesPerFrame, double CpuMsPerFrame);
