namespace MedSeg.Cli.Bench;

/// <summary>One engine inside the whole pipeline (steady source at half its batch-1 rate).</summary>
/// <param name="OverheadMs">Pipeline end-to-end median minus the engine's own median call.</param>
public sealed record EnginePipelineCell(string Engine, int Size, int Threads, double SourceFps, long Frames, double EngineMs,
                                        double EndToEndMedianMs, double EndToEndP99Ms, double OverheadMs, double AllocatedBytesPerFrame);
