namespace MedSeg.Rendering.Capture;

/// <summary>What happened to the frames the viewer wanted captured (video, snapshots, screenshots).</summary>
/// <param name="Requested">Frames the viewer asked to read back.</param>
/// <param name="Skipped">Not read back because every pixel buffer of the ring was still waiting for the GPU (the loop never waits for one).</param>
/// <param name="Dropped">Read back but dropped by the encoder queue (oldest first) because the encoder fell behind.</param>
/// <param name="Written">Written by the sink (MP4 frames and PNGs).</param>
/// <param name="Failed">Handed to the sink after it had failed (not written).</param>
public sealed record CaptureSummary(long Requested, long Skipped, long Dropped, long Written, long Failed)
{
    public static CaptureSummary None { get; } = new(0, 0, 0, 0, 0);
}
