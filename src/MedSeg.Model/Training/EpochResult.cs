namespace MedSeg.Model.Training;

/// <summary>One row of the training log.</summary>
public sealed record EpochResult(
    int Epoch, double TrainLoss, double ValLoss, double ValDice, double ValIou,
    double ValPrecision, double ValRecall, double LearningRate, double Seconds, bool Best);
