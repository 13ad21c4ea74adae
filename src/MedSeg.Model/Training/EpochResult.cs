namespace MedSeg.Model.Training;

/// <summary>One row of the training log.</summary>
/// <param name="ValClasses">per foreground class, when there are two or more: the means above hide a
/// rare class that is never predicted (its per-image mean counts every image where it is absent from
/// both as 1), so the log keeps each class's Dice and its pooled Dice. Null for a binary head and for
/// epochs with nothing held out.</param>
public sealed record EpochResult(
    int Epoch, double TrainLoss, double ValLoss, double ValDice, double ValIou,
    double ValPrecision, double ValRecall, double LearningRate, double Seconds, bool Best,
    IReadOnlyList<ClassDice>? ValClasses = null);

/// <summary>One foreground class's validation Dice: the mean over images and pooled over all pixels.</summary>
public sealed record ClassDice(string Name, double Dice, double PooledDice);
