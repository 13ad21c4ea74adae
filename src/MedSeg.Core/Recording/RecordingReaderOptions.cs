namespace MedSeg.Core.Recording;

/// <summary>
/// Limits the reader enforces on untrusted files, so a corrupt or hostile file gives a clear
/// error instead of an out-of-memory, a stack overflow or a hang.
/// </summary>
public sealed record RecordingReaderOptions
{
    /// <summary>Largest record payload accepted (a 4096² float32 frame with every plane, uncompressed, is ~113 MB).</summary>
    public int MaxRecordBytes { get; init; } = 160 << 20;

    /// <summary>Deepest MessagePack nesting accepted (the format itself needs 3).</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>Longest string accepted, in bytes.</summary>
    public int MaxStringBytes { get; init; } = 1 << 20;

    /// <summary>Most entries in one map or array (the footer index has one per frame).</summary>
    public int MaxCollectionLength { get; init; } = 16 << 20;

    /// <summary>Largest side of an image or mask.</summary>
    public int MaxSide { get; init; } = 16384;

    /// <summary>Largest decoded plane, in bytes (4096² float32 = 64 MiB); bounds what one record can make the reader allocate.</summary>
    public int MaxPlaneBytes { get; init; } = 64 << 20;

    /// <summary>Decodes PNG planes; without it a PNG plane is a clear error (MedSeg.Imaging's PngImageCodec).</summary>
    public IImageCodec? Png { get; init; }

    public RecordingReaderOptions Validate()
    {
        if (MaxRecordBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), MaxRecordBytes, "must be ≥ 1024");
        if (MaxDepth is < 4 or > 256) throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "must be 4–256");
        if (MaxStringBytes < 256) throw new ArgumentOutOfRangeException(nameof(MaxStringBytes), MaxStringBytes, "must be ≥ 256");
        if (MaxCollectionLength < 64) throw new ArgumentOutOfRangeException(nameof(MaxCollectionLength), MaxCollectionLength, "must be ≥ 64");
        if (MaxSide < 1) throw new ArgumentOutOfRangeException(nameof(MaxSide), MaxSide, "must be ≥ 1");
        if (MaxPlaneBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxPlaneBytes), MaxPlaneBytes, "must be ≥ 1");
        return this;
    }
}
