using MedSeg.Core.Metrics;

namespace MedSeg.Core.Recording;

/// <summary>The metrics of one recorded frame's prediction against its reference mask.</summary>
public sealed record FrameScore(long Seq, TimeSpan Timestamp, ImageMetrics Metrics);
