using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Phantoms;

namespace MedSeg.Pipeline.Sources;

/// <summary>
/// A live-like source: an ultrasound / X-ray / MRI-like <see cref="SyntheticSequence"/> at a fixed
/// frame rate, with its exact ground-truth mask attached to every frame.
/// </summary>
/// <remarks>
/// Inputs: none. Outputs: Gray8 frames of Size × Size with <see cref="Frame.GroundTruth"/>.
/// Options: <see cref="SyntheticSourceOptions"/>.
/// Memory: frames come from the pool; the phantom renderer allocates its own Mats per frame
/// (disposed at once), which is the generator's cost, not the pipeline's.
/// Notes: frame k is due at start + k / fps on the Stopwatch clock, like a camera's shutter; a
/// source that falls more than one period behind (machine overloaded) re-anchors instead of
/// bursting to catch up. Like a camera, it never waits for the pipeline: with a DropOldest edge
/// the write always succeeds; under Wait (mode all) it is paced by backpressure instead.
/// </remarks>
public sealed class SyntheticSource : IFrameSource
{
    private readonly SyntheticSourceOptions _options;
    private readonly FramePool _pool;
    private readonly SyntheticSequence _sequence;

    public SyntheticSource(SyntheticSourceOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        _sequence = new SyntheticSequence(options.Task, options.Size, options.Seed);
    }

    public string Description =>
        $"synthetic {_options.Task.ToString().ToLowerInvariant()} {_options.Size}×{_options.Size} @ " +
        (_options.Fps > 0 ? $"{_options.Fps:0.##} fps" : "max fps") +
        (_options.Frames > 0 ? $", {_options.Frames} frames" : "") + $", seed {_options.Seed}";

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        long period = _options.Fps > 0 ? (long)(Stopwatch.Frequency / _options.Fps) : 0;
        long start = StageTimes.Now(), due = start;
        for (long seq = 0; _options.Frames == 0 || seq < _options.Frames; seq++)
        {
            ct.ThrowIfCancellationRequested();
            if (period > 0)
            {
                long now = StageTimes.Now();
                if (now - due > period) due = now; // fell behind: re-anchor, never burst
                // Rounded up to whole ms (Task.Delay's unit), so a frame is never early.
                else if (due > now) await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(StageTimes.Milliseconds(now, due))), ct).ConfigureAwait(false);
                due += period;
            }
            var frame = Capture(seq, start);
            try
            {
                frame.Times.Queued = StageTimes.Now();
                await output.WriteAsync(frame, ct).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }

    private Frame Capture(long seq, long start)
    {
        long captured = StageTimes.Now();
        var timestamp = _options.Fps > 0
            ? TimeSpan.FromSeconds(seq / _options.Fps)
            : TimeSpan.FromSeconds((captured - start) / (double)Stopwatch.Frequency);
        using var image = _sequence.Frame(seq);
        var frame = _pool.Rent(new FrameInfo(seq, timestamp, image.Image.Width, image.Image.Height, PixelFormat.Gray8));
        frame.Times.Captured = captured;
        image.Image.AsSpan<byte>().CopyTo(frame.Pixels);
        image.Mask.AsSpan<byte>().CopyTo(frame.AttachGroundTruth());
        return frame;
    }
}
