using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources;

/// <summary>Where frames come from: a live device, a generator or a replayed file.</summary>
/// <remarks>
/// A source rents each frame from its <see cref="FramePool"/>, fills pixels, stamps
/// <see cref="StageTimes.Captured"/> and <see cref="StageTimes.Queued"/>, and writes it; ownership
/// passes with the write (a write that throws leaves the frame with the source, which must release it). <see cref="RunAsync"/> returns at the end of the stream, or when
/// <c>ct</c> is cancelled (the user's stop, not an error: return or throw
/// <see cref="OperationCanceledException"/>, both end the stream normally). The pipeline completes
/// <c>output</c> after RunAsync returns; a source may complete it earlier itself.
/// </remarks>
public interface IFrameSource
{
    /// <summary>One line for logs and reports, e.g. "synthetic lesion 128×128 @ 25 fps".</summary>
    string Description { get; }

    /// <summary>
    /// The size of every frame, when the source knows it before the first frame (a slice stack, a
    /// synthetic phantom, a recording, a video file); null: known only once frames arrive (a camera,
    /// a stream URL, OpenIGTLink).
    /// The session builder prepares the model for it (a foreign sliding-window graph tiles larger frames at their own size).
    /// </summary>
    (int Width, int Height)? FrameSize => null;

    /// <summary>
    /// Does now, before the session's clock starts, the set-up the source would otherwise do at
    /// the start of <see cref="RunAsync"/> (a synthetic source renders its cine loop). Idempotent;
    /// the default does nothing. <see cref="Session.RunningSession.WarmUp"/> calls it.
    /// </summary>
    void Prepare(CancellationToken ct) { }

    Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct);
}
