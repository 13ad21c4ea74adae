namespace MedSeg.Core.Frames;

/// <summary>Why a frame left the stream before reaching the sinks.</summary>
public enum FrameDropReason
{
    None,
    /// <summary>Its size differs from the stream's (fixed by the first good frame).</summary>
    WrongSize,
    /// <summary>A pixel format the preprocessing cannot read for this model.</summary>
    UnsupportedFormat,
    /// <summary>NaN or ±Inf in float pixel data.</summary>
    NonFinite,
    /// <summary>The pixel buffer does not match <see cref="FrameInfo.PixelBytes"/>.</summary>
    BadBuffer,
}
