namespace MedSeg.Core.Metrics;

/// <summary>
/// Metrics of one foreground class in one image. IoU, Dice, precision and recall follow the
/// empty-mask conventions of <see cref="ConfusionCounts"/> (class absent from both = perfect).
/// </summary>
/// <param name="Hd95">HD95 in pixels (see <see cref="HausdorffDistance"/>): 0 when both masks are
/// empty, <see cref="double.NaN"/> when undefined (exactly one empty) or when it was not computed.</param>
public sealed record ClassMetrics(int ClassId, ConfusionCounts Counts, double Hd95)
{
    /// <inheritdoc cref="ConfusionCounts.Iou"/>
    public double Iou => Counts.Iou;

    /// <inheritdoc cref="ConfusionCounts.Dice"/>
    public double Dice => Counts.Dice;

    /// <inheritdoc cref="ConfusionCounts.Precision"/>
    public double Precision => Counts.Precision;

    /// <inheritdoc cref="ConfusionCounts.Recall"/>
    public double Recall => Counts.Recall;

    /// <inheritdoc cref="ConfusionCounts.BothEmpty"/>
    public bool BothEmpty => Counts.BothEmpty;

    /// <summary>True when exactly one of prediction and truth is empty, so HD95 has no value.
    /// Derived from the counts, so it holds even when HD95 was not computed.</summary>
    public bool Hd95Undefined => Counts.PredictionEmpty != Counts.TruthEmpty;
}
