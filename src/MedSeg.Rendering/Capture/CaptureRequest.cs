namespace MedSeg.Rendering.Capture;

/// <summary>What one read-back of a drawn frame is for: any of a video frame, a snapshot PNG and a screenshot PNG.</summary>
/// <param name="Seq">Sequence number of the (first stream's) newest frame shown.</param>
/// <param name="Video">Append it to the MP4.</param>
/// <param name="SnapshotPath">Write it as a periodic snapshot PNG here (<see cref="OverlayViewerOptions.SnapshotEvery"/>); null = no.</param>
/// <param name="ScreenshotPath">Write it as the screenshot the user asked for here (S key); null = no.</param>
/// <param name="WarmUp">A warm-up read (<see cref="OverlayViewer.WarmUp"/>): read back, queued and
/// encoded like a frame's (<see cref="ICaptureSink.WarmUp"/>), but written to none of the session's files and counted nowhere.</param>
public readonly record struct CaptureRequest(long Seq, bool Video, string? SnapshotPath = null, string? ScreenshotPath = null, bool WarmUp = false)
{
    public bool IsEmpty => !Video && SnapshotPath is null && ScreenshotPath is null && !WarmUp;
}
