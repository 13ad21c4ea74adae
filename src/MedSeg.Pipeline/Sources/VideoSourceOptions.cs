namespace MedSeg.Pipeline.Sources;

/// <summary>Options of <see cref="VideoSource"/>: <c>video:FILE|DEVICE_INDEX|URL?fps=&amp;loop=&amp;gray=&amp;live=&amp;frames=</c>.</summary>
public sealed record VideoSourceOptions
{
    /// <summary>A file path, a camera index ("0") or a stream URL ("rtsp://…", "http://…").</summary>
    public required string Target { get; init; }

    /// <summary>Pacing of a file on the monotonic clock; null = the file's own frame rate, 0 = as fast as possible. A live device paces itself.</summary>
    public double? Fps { get; init; }

    /// <summary>Play a file again from the start when it ends.</summary>
    public bool Loop { get; init; }

    /// <summary>Convert colour frames to one grey channel (Gray8); otherwise Bgr24 as OpenCV decodes it.</summary>
    public bool Gray { get; init; }

    /// <summary>
    /// Treat the target as a live device: when it fails or ends, reconnect with backoff instead of
    /// ending the stream. Null = live for camera indices and URLs, not for files.
    /// </summary>
    public bool? Live { get; init; }

    /// <summary>Frames to produce at most; 0 = no limit.</summary>
    public long Frames { get; init; }

    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Consecutive failed (re)connects before giving up; 0 = keep trying until cancelled.</summary>
    public int MaxReconnects { get; init; }

    public bool IsDeviceIndex => int.TryParse(Target, out int i) && i >= 0;

    public bool IsUrl => Target.Contains("://", StringComparison.Ordinal);

    public bool IsLive => Live ?? (IsDeviceIndex || IsUrl);

    public VideoSourceOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Target)) throw new ArgumentException("a video file, device index or URL is required", nameof(Target));
        if (Fps is { } f && (!(f >= 0) || double.IsInfinity(f))) throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be ≥ 0 (0 = as fast as possible)");
        if (Frames < 0) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "must be ≥ 0 (0 = unlimited)");
        if (BackoffInitial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BackoffInitial), BackoffInitial, "must be > 0");
        if (BackoffMax < BackoffInitial) throw new ArgumentOutOfRangeException(nameof(BackoffMax), BackoffMax, "must be ≥ BackoffInitial");
        if (MaxReconnects < 0) throw new ArgumentOutOfRangeException(nameof(MaxReconnects), MaxReconnects, "must be ≥ 0 (0 = forever)");
        return this;
    }
}
