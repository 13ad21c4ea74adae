namespace MedSeg.Rendering.Capture;

/// <summary>Which encoder <see cref="VideoRecorder"/> uses.</summary>
public enum VideoEncoder
{
    /// <summary>ffmpeg (H.264) when it is on PATH, else OpenCV (mp4v).</summary>
    Auto,
    /// <summary>The ffmpeg command, libx264, yuv420p: plays everywhere.</summary>
    FfmpegH264,
    /// <summary>OpenCV's VideoWriter, MPEG-4 part 2 (mp4v): its bundled FFmpeg cannot write H.264.</summary>
    OpenCvMp4v,
}
