namespace MedSeg.Core.Metrics;

/// <summary>
/// Metrics of one image for each foreground class 1..numClasses-1 (background, class 0, is not
/// scored; a binary task has just class 1).
/// </summary>
/// <remarks>
/// Per-class conventions: a class absent from both prediction and truth scores IoU = Dice =
/// precision = recall = 1 and HD95 = 0; HD95 is NaN (undefined) when exactly one of them is empty.
/// See <see cref="ConfusionCounts"/> and <see cref="HausdorffDistance"/>.
/// </remarks>
/// <param name="PixelAccuracy">Fraction of pixels whose class id matches, over all classes
/// including background.</param>
public sealed record ImageMetrics(string Id, IReadOnlyList<ClassMetrics> Classes, double PixelAccuracy)
{
    /// <summary>Scores one predicted class-id map against its truth (row-major, one byte per pixel).</summary>
    /// <param name="computeHd95">HD95 costs two distance transforms per class; when false every
    /// <see cref="ClassMetrics.Hd95"/> is NaN.</param>
    /// <exception cref="ArgumentException">a size mismatch, or a pixel value ≥ <paramref name="numClasses"/>
    /// (typically a binary mask stored as 0/255 instead of 0/1).</exception>
    public static ImageMetrics Compute(
        string id, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, int width, int height, int numClasses, bool computeHd95 = true,
        Hd95Convention convention = Hd95Convention.Pooled)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numClasses, 256);
        int pixels = checked(width * height);
        if (predicted.Length != pixels) throw new ArgumentException($"{id}: prediction has {predicted.Length} pixels, expected {width}x{height} = {pixels}", nameof(predicted));
        if (truth.Length != pixels) throw new ArgumentException($"{id}: truth has {truth.Length} pixels, expected {width}x{height} = {pixels}", nameof(truth));

        if (numClasses == 2) return Binary(id, predicted, truth, width, height, computeHd95, convention);

        // One pass fills the full confusion matrix; every class's counts are read off it, instead
        // of one pass per class. Rows are predictions, columns truth.
        long[] matrix = new long[numClasses * numClasses];
        for (int i = 0; i < pixels; i++)
        {
            int p = predicted[i], t = truth[i];
            if (p >= numClasses || t >= numClasses) throw ClassOutOfRange(id, i, p, t, numClasses);
            matrix[p * numClasses + t]++;
        }

        long correct = 0;
        for (int c = 0; c < numClasses; c++) correct += matrix[c * numClasses + c];

        var classes = new ClassMetrics[numClasses - 1];
        for (int c = 1; c < numClasses; c++)
        {
            long predictedAs = 0, truthIs = 0;
            for (int k = 0; k < numClasses; k++)
            {
                predictedAs += matrix[c * numClasses + k];
                truthIs += matrix[k * numClasses + c];
            }
            long tp = matrix[c * numClasses + c], fp = predictedAs - tp, fn = truthIs - tp;
            var counts = new ConfusionCounts(tp, fp, fn, pixels - tp - fp - fn);
            double hd95 = computeHd95 ? HausdorffDistance.Percentile95(predicted, truth, width, height, (byte)c, convention) : double.NaN;
            classes[c - 1] = new ClassMetrics(c, counts, hd95);
        }
        return new ImageMetrics(id, classes, (double)correct / pixels);
    }

    /// <summary>Two classes: the same counts as the matrix, from the vectorised <see cref="BinaryConfusion"/>.</summary>
    private static ImageMetrics Binary(string id, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, int width, int height, bool computeHd95,
                                       Hd95Convention convention)
    {
        // The first pixel in scan order that is not 0/1, as the matrix loop would report it.
        int badP = predicted.IndexOfAnyInRange((byte)2, (byte)255), badT = truth.IndexOfAnyInRange((byte)2, (byte)255);
        if (badP >= 0 || badT >= 0)
        {
            int i = badP < 0 ? badT : badT < 0 ? badP : Math.Min(badP, badT);
            throw ClassOutOfRange(id, i, predicted[i], truth[i], 2);
        }
        var (both, inP, inT) = BinaryConfusion.Count(predicted, truth);
        long pixels = predicted.Length, fp = inP - both, fn = inT - both, tn = pixels - both - fp - fn;
        double hd95 = computeHd95 ? HausdorffDistance.Percentile95(predicted, truth, width, height, 1, convention) : double.NaN;
        return new ImageMetrics(id, [new ClassMetrics(1, new ConfusionCounts(both, fp, fn, tn), hd95)], (double)(both + tn) / pixels);
    }

    private static ArgumentException ClassOutOfRange(string id, int pixel, int p, int t, int numClasses) =>
        new($"{id}: pixel {pixel} has class {(p >= numClasses ? $"{p} in the prediction" : $"{t} in the truth")}, " +
            $"but there are only {numClasses} classes (a 0/255 mask must be mapped to 0/1 first)");

    /// <summary>Mean IoU over the foreground classes.</summary>
    public double MeanIou => Mean(static c => c.Iou);

    /// <summary>Mean Dice over the foreground classes.</summary>
    public double MeanDice => Mean(static c => c.Dice);

    private double Mean(Func<ClassMetrics, double> value)
    {
        if (Classes.Count == 0) return double.NaN;
        double sum = 0;
        foreach (var c in Classes) sum += value(c);
        return sum / Classes.Count;
    }
}
