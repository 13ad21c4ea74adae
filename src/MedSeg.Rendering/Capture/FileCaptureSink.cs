using System.Reflection;
using System.Runtime.CompilerServices;
using OpenCvSharp;

namespace MedSeg.Rendering.Capture;

/// <summary>
/// The viewer's files: video frames go to one MP4 (<see cref="VideoRecorder"/>, opened by
/// <see cref="Prepare"/> or else at the first frame's size), snapshots and screenshots to the PNG paths in their request.
/// </summary>
/// <remarks>Runs on the encoder thread (<see cref="CaptureEncoder"/>). A window resized mid-video
/// is scaled to the video's first size. Memory: one resize Mat, made only when the size changes.</remarks>
public sealed class FileCaptureSink : ICaptureSink, IDisposable
{
    private readonly string? _videoPath;
    private readonly double _fps;
    private readonly VideoEncoder _encoder;
    private readonly Mat _resized = new();
    private readonly Action<Mat> _writeVideo;   // made once: a method group would allocate a delegate per frame
    private VideoRecorder? _video;
    private bool _warmedUp;

    /// <param name="videoPath">The MP4 for <see cref="CaptureKind.Video"/> frames; null = none expected.</param>
    public FileCaptureSink(string? videoPath, double fps = 30, VideoEncoder encoder = VideoEncoder.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        (_videoPath, _fps, _encoder) = (videoPath, fps, encoder);
        _writeVideo = WriteVideo;
    }

    /// <summary>A screenshot PNG was written (its path). Raised on the encoder thread.</summary>
    public event Action<string>? ScreenshotSaved;

    /// <summary>The MP4's encoder is running (<see cref="Prepare"/> or the first video frame started it) and not yet finished.</summary>
    public bool VideoStarted => _video is not null;

    /// <summary>Video frames written so far.</summary>
    public long VideoFrames => _video?.FramesWritten ?? 0;

    public void Write(CapturedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Write(image, image.Request);
    }

    /// <summary>
    /// Writes the warm-up read as a snapshot PNG into a scratch file, deleted after (the encoder,
    /// the file writing and their first allocations), and compiles the video path, which is not
    /// run: a frame written to ffmpeg would be in the MP4. Once: the warm-up's further reads (one
    /// per read-back buffer) would only encode the same blank picture again.
    /// </summary>
    public void WarmUp(CapturedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (_warmedUp) return;
        _warmedUp = true;
        RuntimeHelpers.PrepareMethod(typeof(FileCaptureSink).GetMethod(nameof(WriteVideo), BindingFlags.NonPublic | BindingFlags.Instance)!.MethodHandle);
        RuntimeHelpers.PrepareMethod(typeof(VideoRecorder).GetMethod(nameof(VideoRecorder.Write))!.MethodHandle);
        string scratch = Path.Combine(Path.GetTempPath(), $"medseg-warmup-{Guid.NewGuid():N}.png");
        try { Write(image, new CaptureRequest(image.Request.Seq, Video: false, SnapshotPath: scratch)); }
        finally { File.Delete(scratch); }
    }

    private void Write(CapturedImage image, in CaptureRequest request)
    {
        if (request.Video) image.WithMat(_writeVideo);
        if (request.SnapshotPath is { } snapshot) image.WithMat(mat => PngFile.Write(mat, snapshot));
        if (request.ScreenshotPath is { } screenshot)
        {
            image.WithMat(mat => PngFile.Write(mat, screenshot));
            ScreenshotSaved?.Invoke(screenshot);
        }
    }

    /// <summary>
    /// Starts the MP4's ffmpeg for frames of this size and waits (≤ 2 s) until it waits for input,
    /// so its start-up is over before the first frame (nothing when no video is expected).
    /// </summary>
    public void Prepare(int width, int height)
    {
        if (_videoPath is null || _video is not null) return;
        _video = VideoRecorder.Open(_videoPath, width, height, _fps, _encoder);
        _video.WaitUntilReading(TimeSpan.FromSeconds(2));
    }

    public void Complete()
    {
        var video = _video;
        _video = null;
        if (video is null) return;
        video.Dispose();   // waits for ffmpeg; throws with its messages when the encode failed
        // Opened (ahead, by Prepare) but never given a frame: no video, as when it was never opened
        // (ffmpeg would leave a frameless MP4 header behind).
        if (video.FramesWritten == 0) File.Delete(video.Path);
    }

    public void Dispose()
    {
        try { Complete(); }
        finally { _resized.Dispose(); }
    }

    private void WriteVideo(Mat bgr)
    {
        var path = _videoPath ?? throw new InvalidOperationException("a video frame was captured but no video path was set");
        _video ??= VideoRecorder.Open(path, bgr.Cols, bgr.Rows, _fps, _encoder);
        if (bgr.Cols == _video.Width && bgr.Rows == _video.Height)
        {
            _video.Write(bgr);
            return;
        }
        // The window was resized mid-video: the file keeps its first size.
        Cv2.Resize(bgr, _resized, new Size(_video.Width, _video.Height));
        _video.Write(_resized);
    }
}
