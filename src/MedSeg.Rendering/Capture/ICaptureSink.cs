namespace MedSeg.Rendering.Capture;

/// <summary>Where <see cref="CaptureEncoder"/> writes read-back frames; called on the encoder's thread only.</summary>
public interface ICaptureSink
{
    /// <summary>Writes one frame (may take as long as it needs: only the encoder thread waits). The caller disposes the image afterwards.</summary>
    void Write(CapturedImage image);

    /// <summary>
    /// Frames of <paramref name="width"/> × <paramref name="height"/> will come: open now what is
    /// slow to open (the MP4's ffmpeg process), before the clock starts, rather than at the first
    /// frame. Called at most once, before any <see cref="Write"/>; the default does nothing.
    /// </summary>
    void Prepare(int width, int height) { }

    /// <summary>No frame will come any more: finish files (the MP4 waits for ffmpeg here).</summary>
    void Complete();
}
