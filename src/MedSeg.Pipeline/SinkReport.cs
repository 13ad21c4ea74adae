using MedSeg.Pipeline.Sinks;

namespace MedSeg.Pipeline;

/// <summary>What one sink got.</summary>
/// <param name="Delivered">Frames written to the sink's edge.</param>
/// <param name="Dropped">Frames its Latest edge dropped plus frames the sink discarded itself.</param>
/// <param name="Stalls">Times a full NeverDrop edge held the pipeline back; StallMs their total duration.</param>
public sealed record SinkReport(string Name, SinkPolicy Policy, int Capacity, long Delivered, long Dropped, long Stalls, double StallMs);
