namespace MedSeg.Core.Recording;

/// <summary>How a session is written; validated once when the writer is created.</summary>
public sealed record RecordingWriterOptions
{
    public ImageEncoding Image { get; init; } = ImageEncoding.Raw;

    public MaskEncoding Masks { get; init; } = MaskEncoding.Rle;

    /// <summary>Store the foreground probabilities, quantised to 8 bits.</summary>
    public bool Probabilities { get; init; }

    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.EveryN;

    /// <summary>Records between fsyncs under <see cref="FsyncPolicy.EveryN"/>.</summary>
    public int FsyncEvery { get; init; } = 30;

    /// <summary>The PNG codec (MedSeg.Imaging's PngImageCodec); required when Image or Masks is Png.</summary>
    public IImageCodec? Png { get; init; }

    /// <summary>Write the footer's frame index (random access); costs 8–9 bytes per frame at the end.</summary>
    public bool Index { get; init; } = true;

    public RecordingWriterOptions Validate()
    {
        if (!Enum.IsDefined(Image)) throw new ArgumentOutOfRangeException(nameof(Image), Image, "must be Raw or Png");
        if (!Enum.IsDefined(Masks)) throw new ArgumentOutOfRangeException(nameof(Masks), Masks, "must be Rle or Png");
        if (!Enum.IsDefined(Fsync)) throw new ArgumentOutOfRangeException(nameof(Fsync), Fsync, "must be None, EveryN or EveryRecord");
        if (FsyncEvery < 1) throw new ArgumentOutOfRangeException(nameof(FsyncEvery), FsyncEvery, "must be ≥ 1");
        if ((Image == ImageEncoding.Png || Masks == MaskEncoding.Png) && Png is null)
            throw new ArgumentException("PNG encoding needs a PNG codec (MedSeg.Imaging.Recording.PngImageCodec) in RecordingWriterOptions.Png", nameof(Png));
        return this;
    }
}
