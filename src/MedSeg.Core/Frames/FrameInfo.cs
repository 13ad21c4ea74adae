namespace MedSeg.Core.Frames;

/// <summary>What a frame is, fixed when the source rents it.</summary>
/// <param name="Seq">Position in the stream, 0-based; gaps mean frames were dropped upstream.</param>
/// <param name="Timestamp">Source / capture time within the stream (frame index ÷ fps for a paced source),
/// not a pipeline clock: latencies use <see cref="StageTimes"/>.</param>
/// <param name="Width">Pixel columns.</param>
/// <param name="Height">Pixel rows.</param>
/// <param name="Format">Layout of <see cref="Frame.Pixels"/>.</param>
public readonly record struct FrameInfo(long Seq, TimeSpan Timestamp, int Width, int Height, PixelFormat Format)
{
    /// <summary>Size of the raw pixel buffer in bytes.</summary>
    public int PixelBytes => checked(Width * Height * Format.BytesPerPixel());

    /// <summary>Which of the session's sources the frame came from (0 … N−1); set by the stream's
    /// <see cref="FramePool"/>, so sources need not know it. Seq counts within one stream.</summary>
    public int StreamId { get; init; }

    private readonly FrameGeometry? _geometry;

    /// <summary>Where the pixels lie in the patient and which slice of which volume this is;
    /// <see cref="FrameGeometry.Unknown"/> unless the source sets it (init-only, so positional constructions still compile).</summary>
    public FrameGeometry Geometry
    {
        get => _geometry ?? FrameGeometry.Unknown;
        init => _geometry = value;
    }
}
