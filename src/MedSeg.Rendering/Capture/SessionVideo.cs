using MedSeg.Core.Recording;
using MedSeg.Rendering.Context;
using OpenCvSharp;

namespace MedSeg.Rendering.Capture;

/// <summary>How <see cref="SessionVideo.Render"/> draws a recorded session.</summary>
public sealed record SessionVideoOptions
{
    public OverlayMode Mode { get; init; } = OverlayMode.Filled;
    public float Opacity { get; init; } = 0.45f;
    /// <summary>Frames per second of the video; null: the session's own rate (25 when it has one frame).</summary>
    public double? Fps { get; init; }
    public VideoEncoder Encoder { get; init; } = VideoEncoder.Auto;
}

/// <summary>What <see cref="SessionVideo.Render"/> wrote.</summary>
public sealed record SessionVideoResult(string Path, long Frames, int Width, int Height, double Fps, VideoEncoder Encoder, string? EndMessage);

/// <summary>
/// Turns a recorded session into the overlay video people show afterwards: every frame record's
/// image and predicted mask drawn by the same <see cref="OverlayRenderer"/> as the live view,
/// off-screen (EGL), read back and encoded (H.264 through ffmpeg when installed).
/// </summary>
/// <remarks>
/// Runs on the calling thread, which becomes the GL thread for the duration. The recorded class
/// colours are used when they parse as #rrggbb. Probabilities are stored as 8 bits; the heat map
/// draws them back at that precision (a session without them falls back to "labelled = 1").
/// A session that ends early (truncated, killed writer) still gives a video of every readable
/// frame, and <see cref="SessionVideoResult.EndMessage"/> says where the file ended.
/// </remarks>
public static class SessionVideo
{
    /// <exception cref="RecordingFormatException">The file is not a readable session.</exception>
    /// <exception cref="GraphicsUnavailableException">No headless GL here.</exception>
    public static SessionVideoResult Render(string sessionPath, string videoPath, SessionVideoOptions? options = null)
    {
        var o = options ?? new SessionVideoOptions();
        using var reader = RecordingReader.Open(sessionPath);
        var header = reader.Header;
        double fps = o.Fps ?? SessionRate(reader, sessionPath);
        int width = o.Mode == OverlayMode.SideBySide ? header.Width * 2 : header.Width;
        int height = header.Height;
        if (width <= 0 || height <= 0) throw new RecordingFormatException(sessionPath, 0, "the session holds no frame to draw");

        using var target = HeadlessRenderTarget.Create(width, height);
        using var renderer = new OverlayRenderer(target.Gl);
        var settings = new OverlaySettings { Mode = o.Mode, Opacity = o.Opacity };
        ApplyColors(settings, header.ClassColors);
        using var bgr = new Mat();
        VideoRecorder? video = null;
        var record = new FrameRecord();
        float[] foreground = [];
        try
        {
            while (reader.ReadNext(record))
            {
                if (record.Image is null) continue;
                int plane = record.MaskWidth * record.MaskHeight;
                ReadOnlySpan<float> probabilities = default;
                if (o.Mode == OverlayMode.HeatMap && record.HasProbabilities && record.Probabilities is { } quantised)
                {
                    if (foreground.Length != plane) foreground = new float[plane];
                    for (int i = 0; i < plane; i++) foreground[i] = quantised[i] / 255f;
                    probabilities = foreground;
                }
                var labels = record.HasLabels && record.Labels is { } l ? l : [];
                renderer.Upload(new RenderFrame(record.Image, record.Width, record.Height, record.Format, labels,
                                                record.MaskWidth, record.MaskHeight, probabilities),
                                probabilities: !probabilities.IsEmpty);
                renderer.Draw(target.Framebuffer, width, height, settings);
                FramebufferCapture.ReadBgr(target.Gl, target.Framebuffer, width, height, bgr);
                video ??= VideoRecorder.Open(videoPath, width, height, fps, o.Encoder);
                video.Write(bgr);
            }
            if (video is null) throw new RecordingFormatException(sessionPath, reader.Position, "the session holds no frame to draw");
            var encoder = video.Encoder;
            long frames = video.FramesWritten;
            video.Dispose(); // waits for ffmpeg; throws with its messages when the encode failed
            video = null;
            return new SessionVideoResult(videoPath, frames, width, height, fps, encoder, reader.End is { Clean: false } end ? end.Message : null);
        }
        finally
        {
            video?.Dispose();
        }
    }

    /// <summary>
    /// The session's own frame rate (25 with fewer than two frames): from the footer's counts, or,
    /// when the writer never closed the file, from a scan of its records.
    /// </summary>
    private static double SessionRate(RecordingReader reader, string path)
    {
        double rate = reader.Footer is { } f
            ? RecordingSummary.FrameRate(f.Frames, f.FirstTimestamp, f.LastTimestamp)
            : RecordingSummary.Scan(path).Fps;
        return rate > 0 ? Math.Round(rate, 3) : 25;
    }

    private static void ApplyColors(OverlaySettings settings, IReadOnlyList<string> colors)
    {
        for (int c = 1; c < Math.Min(colors.Count, OverlaySettings.MaxClasses); c++)
        {
            if (RecordingFormat.TryParseColor(colors[c], out byte r, out byte g, out byte b))
                settings.SetClassColor(c, r, g, b);
        }
    }
}
