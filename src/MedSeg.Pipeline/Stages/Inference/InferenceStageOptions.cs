namespace MedSeg.Pipeline.Stages;

/// <summary>Options of <see cref="InferenceStage"/>.</summary>
public sealed record InferenceStageOptions
{
    /// <summary>Largest batch it will see; sizes the staging arrays. Must not exceed the engine's MaxBatch.</summary>
    public int MaxBatch { get; init; } = 4;

    public InferenceStageOptions Validate()
    {
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        return this;
    }
}
