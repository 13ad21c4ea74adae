using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline.Sources;

/// <summary>
/// Replays a slice stack (DICOM series, NIfTI volume, TIFF stack, image folder) as a stream of
/// frames: at a chosen fps or as fast as possible, once, looping, or forth and back (cine).
/// </summary>
/// <remarks>
/// Inputs: an <see cref="ISliceStack"/> (owned: disposed with the source).
/// Outputs: frames of the stack's size and format, at full depth (Gray16 / Int16 / Float32 stay
/// so; CT in HU). No ground truth.
/// Options: <see cref="ReplayOptions"/>.
/// Memory: frames come from the pool; readers reuse their scratch buffers.
/// Notes: a slice that cannot be read is skipped, counted in <see cref="Problems"/> (with the
/// file and reason) and its sequence number left as a gap; the replay goes on. If every slice
/// of the stack fails in a row the stack is unusable and RunAsync throws. Items the stack
/// skipped when it was opened (odd sizes, non-image files) are recorded once at the start.
/// </remarks>
public sealed class SliceStackSource : IFrameSource, ISourceDiagnostics, IDisposable
{
    private readonly ISliceStack _stack;
    private readonly ReplayOptions _options;
    private readonly FramePool _pool;
    private bool _reportedOpenSkips;

    public SliceStackSource(ISliceStack stack, ReplayOptions options, FramePool pool, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _stack = stack;
        _options = options.Validate();
        _pool = pool;
        Problems = new SourceProblemLog(stack.Description, logger);
    }

    public string Description =>
        $"{_stack.Description} @ {(_options.Fps > 0 ? $"{_options.Fps:0.##} fps" : "max fps")}, {_options.Playback.ToString().ToLowerInvariant()}" +
        (_options.Frames > 0 ? $", {_options.Frames} frames" : "");

    public ISliceStack Stack => _stack;

    public (int Width, int Height)? FrameSize => (_stack.Width, _stack.Height);

    public SourceProblemLog Problems { get; }

    public DisplayWindow? Window => _stack.Window;

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_reportedOpenSkips)
        {
            foreach (var s in _stack.Skipped) Problems.Record(s.Item, s.Reason);
            _reportedOpenSkips = true;
        }
        var pacer = new FramePacer(_options.Fps);
        int failuresInARow = 0;
        for (long seq = 0; _options.Frames == 0 || seq < _options.Frames; seq++)
        {
            ct.ThrowIfCancellationRequested();
            int slice = _options.SliceAt(seq, _stack.Count);
            if (slice < 0) return;
            await pacer.WaitAsync(ct).ConfigureAwait(false);
            var frame = Capture(seq, slice, pacer.Start);
            if (frame is null)
            {
                if (++failuresInARow >= _stack.Count)
                    throw new MedicalFormatException(_stack.Description, $"every one of its {_stack.Count} slices failed to read; last: {Problems.Examples().LastOrDefault()}");
                continue;
            }
            failuresInARow = 0;
            await output.QueueAsync(frame, ct).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stack.Dispose();

    private Frame? Capture(long seq, int slice, long start)
    {
        long captured = StageTimes.Now();
        var timestamp = _options.Fps > 0
            ? TimeSpan.FromSeconds(seq / _options.Fps)
            : TimeSpan.FromSeconds((captured - start) / (double)Stopwatch.Frequency);
        var frame = _pool.Rent(new FrameInfo(seq, timestamp, _stack.Width, _stack.Height, _stack.Format) { Geometry = _stack.GeometryOf(slice) });
        try
        {
            _stack.Read(slice, frame.Pixels);
            frame.Times.Captured = captured;
            return frame;
        }
        catch (MedicalFormatException e)
        {
            frame.Dispose();
            Problems.Record(_stack.NameOf(slice), e.Reason);
            return null;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
