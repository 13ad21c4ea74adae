using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>One dropped bad frame, as kept for the report.</summary>
public readonly record struct BadFrame(long Seq, FrameDropReason Reason, string Detail);
