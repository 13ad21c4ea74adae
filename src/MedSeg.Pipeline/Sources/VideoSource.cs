using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Tiff;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace MedSeg.Pipeline.Sources;

/// <summary>
/// Frames from a video file, a camera (device index) or a network stream (URL) through OpenCV's
/// VideoCapture; a live device that goes away is reopened with exponential backoff.
/// </summary>
/// <remarks>
/// Inputs: none. Outputs: Bgr24 frames (Gray8 with <c>gray</c>) of the video's size.
/// Options: <see cref="VideoSourceOptions"/>.
/// Memory: frames come from the pool; one decode Mat (and one grey Mat) live as long as RunAsync.
/// Notes: VideoCapture.Read blocks until the device delivers (it cannot be cancelled mid-read);
/// cancellation is seen between frames. Files are paced at their own frame rate unless fps says
/// otherwise; timestamps are frame index ÷ rate for files and monotonic time since the first
/// frame for live devices. The stream is never restarted: reconnects happen inside RunAsync.
/// </remarks>
public sealed class VideoSource : IFrameSource, ISourceDiagnostics
{
    private static readonly FrameGeometry s_geometry = FrameGeometry.UnknownBecause("unknown: video frames carry no patient geometry");

    private readonly VideoSourceOptions _options;
    private readonly FramePool _pool;
    private readonly ILogger _logger;
    private readonly Lazy<(int Width, int Height)?> _frameSize;
    private long _reconnects;

    public VideoSource(VideoSourceOptions options, FramePool pool, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        _logger = logger ?? NullLogger.Instance;
        Problems = new SourceProblemLog(Description, logger);
        _frameSize = new Lazy<(int Width, int Height)?>(ProbeFileSize);
    }

    public string Description =>
        $"video {(_options.IsDeviceIndex ? "camera " : "")}{_options.Target}{(_options.IsLive ? " (live)" : "")}" +
        (_options.Fps is { } f ? $" @ {(f > 0 ? $"{f:0.##} fps" : "max fps")}" : "") + (_options.Loop ? ", loop" : "") + (_options.Gray ? ", grey" : "");

    public SourceProblemLog Problems { get; }

    public DisplayWindow? Window => null;

    /// <summary>
    /// A file's frame size, probed once (its container states it); null for a camera, a stream URL
    /// or a live target (their size is known once they deliver) and for a file OpenCV cannot open
    /// (RunAsync reports that).
    /// </summary>
    public (int Width, int Height)? FrameSize => _frameSize.Value;

    /// <summary>Times the device was lost and reopened (or an open was retried).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        await Task.Yield(); // the first Open/Read blocks: never on the caller's thread
        var backoff = new ReconnectBackoff(_options.BackoffInitial, _options.BackoffMax);
        using var decoded = new Mat();
        using var grey = new Mat();
        VideoCapture? capture = null;
        FramePacer? pacer = null;
        double rate = 25;
        long liveStart = 0;
        try
        {
            for (long seq = 0; _options.Frames == 0 || seq < _options.Frames;)
            {
                ct.ThrowIfCancellationRequested();
                if (capture is null)
                {
                    capture = Open();
                    if (capture is null)
                    {
                        if (!_options.IsLive) throw new MedicalFormatException(_options.Target, "OpenCV cannot open it as a video (missing file, unknown codec or not a video)");
                        await WaitToReconnectAsync(backoff, "cannot open", ct).ConfigureAwait(false);
                        continue;
                    }
                    double fileRate = capture.Get(VideoCaptureProperties.Fps);
                    rate = _options.Fps ?? (fileRate > 0 && fileRate < 1000 ? fileRate : 25);
                    pacer ??= new FramePacer(_options.IsLive ? 0 : rate);
                }
                if (!capture.Read(decoded) || decoded.Empty())
                {
                    capture.Dispose();
                    capture = null;
                    if (_options.IsLive) { await WaitToReconnectAsync(backoff, "stream ended or device went away", ct).ConfigureAwait(false); continue; }
                    if (_options.Loop && seq > 0) continue; // reopen the file from its start
                    return;
                }
                backoff.Reset();
                await pacer!.WaitAsync(ct).ConfigureAwait(false);
                var image = _options.Gray && decoded.Channels() > 1 ? ToGrey(decoded, grey) : decoded;
                if (MatPixels.FormatOf(image) is not { } format)
                {
                    Problems.Record($"{_options.Target} frame {seq}", $"{MatPixels.Describe(image)} has no frame format");
                    seq++;
                    continue;
                }
                long captured = StageTimes.Now();
                if (liveStart == 0) liveStart = captured;
                var timestamp = _options.IsLive || rate == 0
                    ? TimeSpan.FromSeconds((captured - liveStart) / (double)Stopwatch.Frequency)
                    : TimeSpan.FromSeconds(seq / rate);
                var frame = _pool.Rent(new FrameInfo(seq, timestamp, image.Width, image.Height, format) { Geometry = s_geometry });
                try
                {
                    MatPixels.CopyTo(image, frame.Pixels);
                    frame.Times.Captured = captured;
                    frame.Times.Queued = StageTimes.Now();
                    await output.WriteAsync(frame, ct).ConfigureAwait(false);
                }
                catch
                {
                    frame.Dispose();
                    throw;
                }
                seq++;
            }
        }
        finally
        {
            capture?.Dispose();
        }
    }

    private (int Width, int Height)? ProbeFileSize()
    {
        if (_options.IsLive || !File.Exists(_options.Target)) return null;
        using var capture = new VideoCapture(_options.Target);
        return capture.IsOpened() && capture.FrameWidth > 0 && capture.FrameHeight > 0 ? (capture.FrameWidth, capture.FrameHeight) : null;
    }

    private VideoCapture? Open()
    {
        var capture = _options.IsDeviceIndex ? new VideoCapture(int.Parse(_options.Target)) : new VideoCapture(_options.Target);
        if (capture.IsOpened()) return capture;
        capture.Dispose();
        return null;
    }

    private async Task WaitToReconnectAsync(ReconnectBackoff backoff, string why, CancellationToken ct)
    {
        if (_options.MaxReconnects > 0 && backoff.Failures >= _options.MaxReconnects)
            throw new IOException($"{_options.Target}: {why}; gave up after {backoff.Failures} reconnect attempts");
        Interlocked.Increment(ref _reconnects);
        var wait = backoff.Next();
        _logger.LogWarning("{Source}: {Why}; reconnecting in {Wait} ms (attempt {Attempt})", Description, why, wait.TotalMilliseconds, backoff.Failures);
        await Task.Delay(wait, ct).ConfigureAwait(false);
    }

    private static Mat ToGrey(Mat bgr, Mat grey)
    {
        Cv2.CvtColor(bgr, grey, bgr.Channels() == 4 ? ColorConversionCodes.BGRA2GRAY : ColorConversionCodes.BGR2GRAY);
        return grey;
    }
}
