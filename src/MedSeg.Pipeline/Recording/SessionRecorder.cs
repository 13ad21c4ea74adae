using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Pipeline.Sinks;

namespace MedSeg.Pipeline.Recording;

/// <summary>
/// Records every finished frame to a session file (MessagePack, see recordings/FORMAT.md): image,
/// predicted mask, optional probabilities, ground truth, flags and every stage stamp.
/// </summary>
/// <remarks>
/// Inputs: finished frames (edge: NeverDrop, so a recorder that falls behind holds the pipeline
/// back and the report names it with its stall count — it never skips a frame).
/// Outputs: the file at <see cref="SessionRecorderOptions.Path"/>.
/// Options: <see cref="SessionRecorderOptions"/>.
/// Memory: the writer's record and scratch buffers, grown to the largest record and reused.
/// Notes: the file is created at the first frame, whose size goes into the header (a run that
/// ends before any frame still leaves a valid, empty session). Each record is handed to the OS as
/// it is written (fsync per policy), so a crash loses at most the frame being written. The frame
/// is stamped <see cref="StageTimes.Recorded"/> just before it is encoded, so the file holds the
/// stamp. Whatever ends the input (end of stream, a fault upstream, cancellation), the footer is
/// written in the finally block. A write error (disk full) stops the pipeline naming this sink.
/// </remarks>
public sealed class SessionRecorder : IFrameSink
{
    private readonly SessionRecorderOptions _options;
    private RecordingWriter? _writer;
    private long _frames, _bytes, _skipped;
    private volatile bool _paused;

    public SessionRecorder(SessionRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
    }

    /// <summary>
    /// A recorder like this one writing to <paramref name="path"/> instead (replacing it): the
    /// session's warm-up runs its blank frames through one, so the first live frames do not pay for
    /// compiling the writer, the codecs and the file handling.
    /// </summary>
    internal SessionRecorder ScratchTwin(string path) => new(_options with { Path = path, Overwrite = true });

    public string Name => _options.Name;
    public int? Stream => _options.Stream;
    public SinkPolicy Policy => SinkPolicy.NeverDrop;
    public int Capacity => _options.Capacity;
    public long Discarded => 0;

    public string Path => _options.Path;

    /// <summary>Frame records written so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>File size so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// While true, frames pass by unrecorded (the viewer's R key): the user chose not to keep them,
    /// so they are counted in <see cref="SkippedWhilePaused"/>, not as drops, and the session's
    /// sequence numbers show the gap. Safe to set from any thread.
    /// </summary>
    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    /// <summary>Frames that arrived while <see cref="Paused"/>.</summary>
    public long SkippedWhilePaused => Interlocked.Read(ref _skipped);

    public async Task RunAsync(ChannelReader<Frame> input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool failed = false;
        try
        {
            await StageHost.ConsumeAsync(input, (frame, _) =>
            {
                if (_paused) Interlocked.Increment(ref _skipped);
                else Write(frame);
                return default;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a lost volume: stop recording, say what the file still holds.
            failed = true;
            string reason = e is Core.IO.OutputWriteException named ? named.Reason : e.Message;
            throw new IOException($"{_options.Path}: recording stopped, cannot write: {reason}; the file holds the {Frames} frame(s) written before, " +
                                  $"readable as they are (`medseg info {_options.Path}`)", e);
        }
        finally
        {
            try
            {
                // An empty run still leaves a readable session (header + footer) behind.
                _writer ??= RecordingWriter.Create(_options.Path, _options.Header, _options.Writer, _options.Overwrite);
                _writer.Complete();
                Interlocked.Exchange(ref _bytes, _writer.BytesWritten);
            }
            catch (Exception e) when (failed && e is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException)
            {
                // The footer cannot be written either; the records before the failure stay readable.
            }
        }
    }

    private void Write(Frame frame)
    {
        _writer ??= RecordingWriter.Create(_options.Path, _options.Header with
        {
            Width = frame.Info.Width, Height = frame.Info.Height, PixelFormat = frame.Info.Format,
            MaskWidth = frame.OutputWidth, MaskHeight = frame.OutputHeight,
        }, _options.Writer, _options.Overwrite);
        // The recorder's own stamp, in the record only: the frame is shared with the other sinks, read-only.
        var times = frame.ReadOnlyTimes;
        times.Recorded = StageTimes.Now();
        _writer.Append(FrameData.From(frame) with { Times = times });
        Interlocked.Increment(ref _frames);
        Interlocked.Exchange(ref _bytes, _writer.BytesWritten);
    }
}
