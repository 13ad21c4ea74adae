namespace MedSeg.Model.Training;

public sealed record TrainingResult(
    string BestCheckpoint, string LastCheckpoint, int BestEpoch, string Metric, double BestValue,
    IReadOnlyList<EpochResult> History, int SkippedSamples, bool StoppedEarly, int TrainCount, int ValCount)
{
    /// <summary>Optimizer steps of the final refit on all samples (0: none); best.ckpt is then the refit model.</summary>
    public int RefitSteps { get; init; }
    public int RefitSamples { get; init; }
    /// <summary>The threshold tuned on the validation split (binary heads with <see cref="TrainOptions.TuneThreshold"/>); null when not tuned.</summary>
    public ThresholdChoice? Threshold { get; init; }
}
