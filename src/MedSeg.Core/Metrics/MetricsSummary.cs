namespace MedSeg.Core.Metrics;

/// <summary>
/// A data set's metrics: per class (<see cref="ClassSummary"/>) and their means over the
/// foreground classes (macro averages of the per-class image means).
/// </summary>
/// <param name="PixelAccuracy">mean over images of each image's pixel accuracy (all classes,
/// background included).</param>
/// <param name="MeanHd95">mean of the classes' HD95 means, over the classes that have one; NaN if
/// none does (HD95 undefined or not computed everywhere).</param>
public sealed record MetricsSummary(
    int Images, IReadOnlyList<ClassSummary> Classes, double MeanIou, double MeanDice, double MeanPrecision, double MeanRecall,
    double PixelAccuracy, double MeanHd95);
