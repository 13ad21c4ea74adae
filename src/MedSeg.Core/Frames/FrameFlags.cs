namespace MedSeg.Core.Frames;

[Flags]
public enum FrameFlags
{
    None = 0,
    /// <summary>The frame failed validation and was dropped; see <see cref="Frame.DropReason"/>.</summary>
    BadInput = 1,
    /// <summary>At least one frame just before this one was dropped (a gap in <see cref="FrameInfo.Seq"/>).</summary>
    DroppedUpstream = 2,
    /// <summary>The labels were re-thresholded from temporally smoothed probabilities.</summary>
    Smoothed = 4,
    /// <summary>A ground-truth mask is attached (<see cref="Frame.GroundTruth"/>).</summary>
    HasGroundTruth = 8,
}
