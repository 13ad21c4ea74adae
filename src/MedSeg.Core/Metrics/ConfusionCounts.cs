namespace MedSeg.Core.Metrics;

/// <summary>
/// Pixel counts of one class in one image (or, summed with <c>+</c>, in a whole data set):
/// true/false positives and negatives of "pixel == class id" in the prediction versus the truth.
/// </summary>
/// <remarks>
/// Empty-mask conventions, chosen so that an image where the model correctly predicts
/// "nothing here" is scored as perfect rather than as 0 or NaN:
/// <list type="bullet">
/// <item><see cref="Iou"/> and <see cref="Dice"/> are 1 when the class is absent from both
/// prediction and truth (<see cref="BothEmpty"/>).</item>
/// <item><see cref="Precision"/> with no predicted pixels is 1 if the truth is empty too, else 0
/// (the model missed everything it should have found).</item>
/// <item><see cref="Recall"/> with no truth pixels is 1 if the prediction is empty too, else 0
/// (everything the model predicted is a false alarm).</item>
/// </list>
/// </remarks>
public readonly record struct ConfusionCounts(long TruePositive, long FalsePositive, long FalseNegative, long TrueNegative)
{
    /// <summary>Counts "pixel == <paramref name="classId"/>" agreement of two class-id maps of equal length.</summary>
    public static ConfusionCounts Count(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, byte classId)
    {
        if (predicted.Length != truth.Length)
            throw new ArgumentException($"prediction has {predicted.Length} pixels but truth has {truth.Length}", nameof(truth));

        // FP and FN follow from the two marginal counts, so the loop only needs three counters.
        long both = 0, inPrediction = 0, inTruth = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            bool p = predicted[i] == classId, t = truth[i] == classId;
            if (p) inPrediction++;
            if (t) inTruth++;
            if (p & t) both++;
        }
        long fp = inPrediction - both, fn = inTruth - both;
        return new ConfusionCounts(both, fp, fn, predicted.Length - both - fp - fn);
    }

    /// <summary>True when the class is absent from both prediction and truth (TP + FP + FN = 0).</summary>
    public bool BothEmpty => TruePositive + FalsePositive + FalseNegative == 0;

    /// <summary>True when no pixel was predicted as the class (TP + FP = 0).</summary>
    public bool PredictionEmpty => TruePositive + FalsePositive == 0;

    /// <summary>True when no truth pixel belongs to the class (TP + FN = 0).</summary>
    public bool TruthEmpty => TruePositive + FalseNegative == 0;

    /// <summary>Jaccard index TP / (TP + FP + FN); 1 when <see cref="BothEmpty"/> (perfect, by convention).</summary>
    public double Iou => BothEmpty ? 1.0 : (double)TruePositive / (TruePositive + FalsePositive + FalseNegative);

    /// <summary>Dice (F1) 2TP / (2TP + FP + FN); 1 when <see cref="BothEmpty"/> (perfect, by convention).</summary>
    public double Dice => BothEmpty ? 1.0 : 2.0 * TruePositive / (2.0 * TruePositive + FalsePositive + FalseNegative);

    /// <summary>TP / (TP + FP); with no predicted pixels 1 if the truth is empty too, else 0.</summary>
    public double Precision => PredictionEmpty ? (TruthEmpty ? 1.0 : 0.0) : (double)TruePositive / (TruePositive + FalsePositive);

    /// <summary>TP / (TP + FN); with no truth pixels 1 if the prediction is empty too, else 0.</summary>
    public double Recall => TruthEmpty ? (PredictionEmpty ? 1.0 : 0.0) : (double)TruePositive / (TruePositive + FalseNegative);

    /// <summary>Sums counts, e.g. over images, for pooled ("micro") metrics.</summary>
    public static ConfusionCounts operator +(ConfusionCounts a, ConfusionCounts b) => new(
        a.TruePositive + b.TruePositive, a.FalsePositive + b.FalsePositive,
        a.FalseNegative + b.FalseNegative, a.TrueNegative + b.TrueNegative);
}
