namespace MedSeg.Pipeline.Stages;

/// <summary>Options of <see cref="MicroBatcher"/>.</summary>
public sealed record MicroBatcherOptions
{
    /// <summary>A batch closes when it holds this many frames.</summary>
    public int MaxBatch { get; init; } = 4;

    /// <summary>… or when this long has passed since its first frame, whichever comes first. Zero: take only what is already queued.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(2);

    public MicroBatcherOptions Validate()
    {
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        if (MaxWait < TimeSpan.Zero || MaxWait > TimeSpan.FromMinutes(10))
            throw new ArgumentOutOfRangeException(nameof(MaxWait), MaxWait, "must be 0–10 min");
        return this;
    }
}
