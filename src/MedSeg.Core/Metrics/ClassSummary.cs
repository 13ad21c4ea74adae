namespace MedSeg.Core.Metrics;

/// <summary>
/// One foreground class over a data set. Means and standard deviations are over images, so each
/// image weighs the same whatever its size; standard deviations are population ones (divide by n).
/// </summary>
/// <remarks>
/// Images where the class is absent from both prediction and truth count as perfect (IoU = Dice =
/// precision = recall = 1); <see cref="BothEmptyCount"/> says how many there were, because many of
/// them flatter the means. HD95 is averaged only over images where it is defined; images with
/// exactly one of prediction and truth empty are counted in <see cref="Hd95Undefined"/> instead.
/// The pooled values come from the counts summed over all images (large objects weigh more).
/// With no images every value is NaN.
/// </remarks>
/// <param name="Hd95Mean">mean HD95 in pixels over the images where it is defined (and computed);
/// NaN if there are none.</param>
/// <param name="Hd95Undefined">images where exactly one of prediction and truth is empty.</param>
/// <param name="BothEmptyCount">images where the class is absent from both prediction and truth.</param>
/// <param name="PooledIou">IoU of the summed counts (micro average).</param>
/// <param name="PooledDice">Dice of the summed counts (micro average).</param>
public sealed record ClassSummary(
    int ClassId, string Name, double IouMean, double IouStd, double DiceMean, double DiceStd, double PrecisionMean, double RecallMean,
    double Hd95Mean, int Hd95Undefined, int BothEmptyCount, double PooledIou, double PooledDice);
