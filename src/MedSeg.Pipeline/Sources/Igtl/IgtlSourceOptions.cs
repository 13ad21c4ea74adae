namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>Options of <see cref="IgtlSource"/>: <c>igtl://host:port?device=NAME&amp;frames=0&amp;maxbody=67108864&amp;labels=MedSegLabels</c>.</summary>
public sealed record IgtlSourceOptions
{
    public string Host { get; init; } = "localhost";

    /// <summary>18944 is the OpenIGTLink / 3D Slicer default.</summary>
    public int Port { get; init; } = 18944;

    /// <summary>Only IMAGE messages from this device name become frames; null = any device.</summary>
    public string? Device { get; init; }

    /// <summary>Frames to produce at most; 0 = until cancelled.</summary>
    public long Frames { get; init; }

    /// <summary>A body larger than this is absurd: the message is counted and the connection reset (the stream cannot be resynchronised).</summary>
    public long MaxBodyBytes { get; init; } = 64L << 20;

    /// <summary>Device name of the label maps sent back with <see cref="IgtlSource.SendLabelMapAsync(Core.Frames.Frame, CancellationToken)"/>.</summary>
    public string LabelDevice { get; init; } = "MedSegLabels";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Once a message's first byte has come, the rest of its header, and then its body, must arrive within this; else the connection counts as lost.</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Consecutive failed connects before giving up; 0 = keep trying until cancelled.</summary>
    public int MaxReconnects { get; init; }

    /// <summary>Ask the server to stream (STT_IMAGE for <see cref="Device"/>) on every connection, and to stop (STP_IMAGE) when the source ends;
    /// for servers that stream on request (PLUS, Slicer) rather than at once.</summary>
    public bool StartImage { get; init; }

    public IgtlSourceOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("host is required", nameof(Host));
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be 1–65535");
        if (Frames < 0) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "must be ≥ 0 (0 = unlimited)");
        if (MaxBodyBytes < IgtlImageHeader.Length || MaxBodyBytes > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, $"must be {IgtlImageHeader.Length}–{int.MaxValue}");
        if (string.IsNullOrEmpty(LabelDevice) || LabelDevice.Length > 20) throw new ArgumentOutOfRangeException(nameof(LabelDevice), LabelDevice, "must be 1–20 ASCII characters");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "must be > 0");
        if (MessageTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MessageTimeout), MessageTimeout, "must be > 0");
        if (BackoffInitial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BackoffInitial), BackoffInitial, "must be > 0");
        if (BackoffMax < BackoffInitial) throw new ArgumentOutOfRangeException(nameof(BackoffMax), BackoffMax, "must be ≥ BackoffInitial");
        if (MaxReconnects < 0) throw new ArgumentOutOfRangeException(nameof(MaxReconnects), MaxReconnects, "must be ≥ 0 (0 = forever)");
        return this;
    }
}
