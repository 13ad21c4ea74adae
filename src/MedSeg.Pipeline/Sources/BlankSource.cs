using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources;

/// <summary>A few all-zero frames as fast as the pipeline takes them: the warm-up's input (<see cref="Session.PipelineWarmUp"/>).</summary>
internal sealed class BlankSource(FramePool pool, int frames, int width, int height, PixelFormat format) : IFrameSource
{
    public string Description => $"{frames} blank {width}×{height} {format} frames (warm-up)";

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        for (long seq = 0; seq < frames; seq++)
        {
            var frame = pool.Rent(new FrameInfo(seq, TimeSpan.Zero, width, height, format));
            frame.Pixels.Clear();
            frame.Times.Captured = StageTimes.Now();
            await output.QueueAsync(frame, ct).ConfigureAwait(false);
        }
    }
}
