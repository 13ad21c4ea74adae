namespace MedSeg.Model.Training;

public sealed record TrainingResult(
    string BestCheckpoint, string LastCheckpoint, int BestEpoch, string Metric, double BestValue,
    IReadOnlyList<EpochResult> History, int SkippedSamples, bool StoppedEarly, int TrainCount, int ValCount);
