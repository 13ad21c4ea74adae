using System.Diagnostics;
using System.Text;
using OpenCvSharp;

namespace MedSeg.Rendering.Capture;

/// <summary>
/// Writes BGR frames of a fixed size to an MP4: H.264 through the ffmpeg command when it is
/// installed, else OpenCV's VideoWriter (mp4v).
/// </summary>
/// <remarks>
/// Inputs: <see cref="Write"/> once per frame (any thread, one at a time). Memory: none per frame;
/// ffmpeg gets the Mat's bytes through its stdin pipe. Notes: <see cref="Dispose"/> closes the pipe
/// and waits for ffmpeg; a failed encode throws there with ffmpeg's last messages.
/// </remarks>
public sealed class VideoRecorder : IDisposable
{
    private readonly Process? _ffmpeg;
    private readonly Stream? _stdin;
    private readonly VideoWriter? _writer;
    private readonly StringBuilder _stderr = new();
    private bool _disposed;

    private VideoRecorder(string path, int width, int height, VideoEncoder encoder, Process? ffmpeg, VideoWriter? writer)
    {
        (Path, Width, Height, Encoder, _ffmpeg, _writer) = (path, width, height, encoder, ffmpeg, writer);
        _stdin = ffmpeg?.StandardInput.BaseStream;
        if (ffmpeg is null) return;
        // Both output pipes must be drained, or ffmpeg blocks once a pipe buffer fills.
        ffmpeg.ErrorDataReceived += (_, e) => Remember(e.Data);
        ffmpeg.OutputDataReceived += static (_, _) => { };
        ffmpeg.BeginErrorReadLine();
        ffmpeg.BeginOutputReadLine();
    }

    public string Path { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The encoder actually used (never <see cref="VideoEncoder.Auto"/>).</summary>
    public VideoEncoder Encoder { get; }

    public long FramesWritten { get; private set; }

    /// <summary>The ffmpeg process's id; null for OpenCV's writer.</summary>
    internal int? EncoderProcessId => _ffmpeg?.Id;

    /// <summary>The ffmpeg executable on PATH, or null.</summary>
    public static string? FindFfmpeg() => FindOnPath("ffmpeg");

    private static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Starts a video of <paramref name="width"/> × <paramref name="height"/> at <paramref name="fps"/>.</summary>
    /// <exception cref="InvalidOperationException">The requested encoder is not available.</exception>
    public static VideoRecorder Open(string path, int width, int height, double fps, VideoEncoder encoder = VideoEncoder.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        string? ffmpeg = FindFfmpeg();
        if (encoder == VideoEncoder.Auto) encoder = ffmpeg is null ? VideoEncoder.OpenCvMp4v : VideoEncoder.FfmpegH264;
        if (encoder == VideoEncoder.FfmpegH264)
        {
            if (ffmpeg is null) throw new InvalidOperationException("ffmpeg is not on PATH (Debian: apt-get install ffmpeg)");
            return new VideoRecorder(path, width, height, encoder, StartFfmpeg(ffmpeg, path, width, height, fps), null);
        }
        // OpenCV gives FFmpeg's MPEG-4 encoder a time base of 1000/(fps × 1000), whose denominator
        // must stay ≤ 65535: above 65.535 fps (a replay's own rate, e.g. 213.789) whole frame rates only.
        double rate = fps * 1000 > 65535 ? Math.Round(fps) : fps;
        var writer = new VideoWriter(path, FourCC.MP4V, rate, new Size(width, height), isColor: true);
        if (!writer.IsOpened())
        {
            writer.Dispose();
            throw new Core.IO.OutputWriteException(path, $"OpenCV's VideoWriter could not open it for mp4v at {rate:0.###} fps (an unwritable folder?)",
                new IOException("VideoWriter.IsOpened() is false"));
        }
        return new VideoRecorder(path, width, height, encoder, null, writer);
    }

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, until ffmpeg is blocked reading its stdin: its
    /// start-up (the dynamic loader mapping its ~100 libraries, option parsing, opening the file;
    /// about 80 ms of CPU here) is then behind it and cannot land on the first frames of a live view.
    /// </summary>
    /// <returns>True once ffmpeg waits for input, or at once where that cannot be seen (OpenCV's
    /// writer; systems without /proc/PID/wchan); false when ffmpeg exited or the time ran out.</returns>
    public bool WaitUntilReading(TimeSpan timeout)
    {
        if (_ffmpeg is null || !OperatingSystem.IsLinux()) return true;
        string wchan = $"/proc/{_ffmpeg.Id}/wchan";   // `nice` execs ffmpeg: the same process id
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string where;
            try { where = File.ReadAllText(wchan); }
            catch (IOException) { return false; }                  // the process is gone
            catch (UnauthorizedAccessException) { return true; }   // a hardened /proc: nothing to see
            // The kernel function a sleeping process waits in: pipe_read, anon_pipe_read (6.x), pipe_wait (< 5.5).
            if (where.Contains("pipe_read", StringComparison.Ordinal) || where == "pipe_wait") return true;
            if (_ffmpeg.HasExited) return false;
            Thread.Sleep(2);
        }
        return false;
    }

    /// <summary>Appends one frame; it must be CV_8UC3 of the video's size.</summary>
    public unsafe void Write(Mat bgr)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bgr);
        if (bgr.Cols != Width || bgr.Rows != Height || bgr.Type() != MatType.CV_8UC3)
            throw new ArgumentException($"frame must be {Width}×{Height} CV_8UC3, got {bgr.Cols}×{bgr.Rows} {bgr.Type()}", nameof(bgr));
        if (_writer is not null)
        {
            _writer.Write(bgr);
        }
        else
        {
            if (!bgr.IsContinuous()) throw new ArgumentException("frame must be continuous", nameof(bgr));
            try { _stdin!.Write(new ReadOnlySpan<byte>((void*)bgr.Data, Width * Height * 3)); }
            catch (IOException e)
            {
                // ffmpeg is gone (a full disk, a file-size limit): its last words say why.
                if (_ffmpeg!.WaitForExit(5000)) _ffmpeg.WaitForExit(); // the second waits for its stderr to be read
                throw Failed("ffmpeg stopped accepting frames", e);
            }
        }
        FramesWritten++;
    }

    /// <summary>Finishes the file; throws when ffmpeg failed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_writer is not null)
        {
            _writer.Dispose();
            VerifyOpenCvFile();
            return;
        }
        if (_ffmpeg is null) return;
        try { _stdin!.Dispose(); } catch (IOException) { /* ffmpeg already gone; its exit code tells why */ }
        _ffmpeg.WaitForExit();
        int code = _ffmpeg.ExitCode;
        _ffmpeg.Dispose();
        if (code != 0) throw Failed($"ffmpeg exited with {code}", null);
        // ffmpeg exits 0 when only its trailer or the file's close failed (a full disk, a file-size
        // limit, seen with ffmpeg 5.1): the file is then cut short all the same.
        string tail = Tail();
        if (tail.Contains("Error writing trailer", StringComparison.Ordinal) || tail.Contains("Error closing file", StringComparison.Ordinal))
            throw Failed("ffmpeg could not finish the file", null);
    }

    // OpenCV's writer says nothing when a write fails (a full disk, a file-size limit): read the
    // file back and count its frames.
    private void VerifyOpenCvFile()
    {
        if (FramesWritten == 0) return;
        long frames = 0;
        using (var check = new VideoCapture(Path))
            if (check.IsOpened()) frames = (long)check.Get(VideoCaptureProperties.FrameCount);
        if (frames < FramesWritten)
            throw new Core.IO.OutputWriteException(Path, $"the video holds {frames} of the {FramesWritten} frames written (cut short: a full disk or a file-size limit?)",
                new IOException("OpenCV VideoWriter reported no error"));
    }

    /// <summary>One line naming the file: a full disk or a file-size limit said as such, else ffmpeg's last messages.</summary>
    private Core.IO.OutputWriteException Failed(string what, Exception? inner)
    {
        string tail = string.Join("; ", Tail().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        string reason = tail.Contains("File too large", StringComparison.OrdinalIgnoreCase) ? Core.IO.OutputFault.FileTooLarge
            : tail.Contains("No space left", StringComparison.OrdinalIgnoreCase) ? Core.IO.OutputFault.DiskFull
            : $"{what}: {tail}";
        return new Core.IO.OutputWriteException(Path, reason, inner ?? new IOException(tail));
    }

    private static Process StartFfmpeg(string ffmpeg, string path, int width, int height, double fps)
    {
        // The video is a by-product of the live view: on 2 cores x264 competes with inference and
        // llvmpipe for the same CPU, so the encoder runs at the lowest priority, nice 19 (kept
        // across exec and by x264's threads), set on the process by `nice` rather than inherited
        // from a niced .NET thread (such a thread passes its nice on to the runtime's own threads;
        // see CaptureEncoder). Its queue is bounded and drops the oldest frame, counted, when it
        // falls behind. Measured (Xvfb, 25 fps, 250 frames, 6 rounds each, interleaved, a slow
        // 2-core VM): capture → screen median 49 ms against 55 ms at nice 10.
        string? nice = FindOnPath("nice");
        var info = new ProcessStartInfo(nice ?? ffmpeg)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (nice is not null) foreach (string arg in new[] { "-n", "19", ffmpeg }) info.ArgumentList.Add(arg);
        // libx264 + yuv420p needs even sizes: pad by one black row/column rather than fail.
        // Preset superfast, not veryfast: the encoder shares the cores with live inference; on the
        // demo's 1024×768 window it took half the CPU time for a file about a fifth larger.
        foreach (string arg in new[]
        {
            "-hide_banner", "-loglevel", "error", "-nostats", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{width}x{height}",
            "-r", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "-",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-preset", "superfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path,
        }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start ffmpeg");
        return process;
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_stderr)
        {
            _stderr.AppendLine(line);
            if (_stderr.Length > 4096) _stderr.Remove(0, _stderr.Length - 4096);
        }
    }

    private string Tail()
    {
        lock (_stderr) return _stderr.Length == 0 ? "(no message)" : _stderr.ToString().Trim();
    }
}
