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

    /// <summary>
    /// A warm-up read (<see cref="CaptureRequest.WarmUp"/>): run the code a frame's write runs
    /// (the encoding, the file writing), so its first live frame does not compile and set it up,
    /// but write nothing of the session's.
    /// Not counted; an exception is ignored (it says nothing about the frames). The default does nothing.
    /// </summary>
    void WarmUp(CapturedImage image) { }

    /// <summary>No frame will come any more: finish files (the MP4 waits for ffmpeg here).</summary>
    void Complete();
}
