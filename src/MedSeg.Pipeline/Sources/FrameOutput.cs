using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources;

/// <summary>How a source hands a finished frame to the pipeline.</summary>
internal static class FrameOutput
{
    /// <summary>
    /// Stamps <see cref="StageTimes.Queued"/> and writes the frame; the source owns it until the
    /// write succeeds, so a failed write (cancelled, channel closed) releases it here.
    /// </summary>
    public static ValueTask QueueAsync(this ChannelWriter<Frame> output, Frame frame, CancellationToken ct)
    {
        frame.Times.Queued = StageTimes.Now();
        return output.HandOffAsync(frame, ct);
    }
}
