namespace MedSeg.Core.Recording;

/// <summary>How a session stores its images (chosen once per session).</summary>
public enum ImageEncoding
{
    /// <summary>Raw pixels, LZ4 block-compressed where that saves at least 1/8 ("raw" or "lz4" per plane).</summary>
    Raw,
    /// <summary>PNG through an <see cref="IImageCodec"/>; formats PNG cannot hold (int16, float32) fall back to Raw.</summary>
    Png,
}

/// <summary>How a session stores class-id masks (predictions and ground truth).</summary>
public enum MaskEncoding
{
    /// <summary>Run-length: (class id u8, run length LEB128) pairs ("rle").</summary>
    Rle,
    /// <summary>8-bit gray PNG of the class ids, through an <see cref="IImageCodec"/>.</summary>
    Png,
}
