namespace MedSeg.Core.Metrics;

/// <summary>
/// Accumulates <see cref="ImageMetrics"/> over a data set and summarises them per class: means and
/// population standard deviations over images, plus pooled IoU/Dice from the summed counts.
/// Not thread-safe; add images from one thread. The result depends only on the images and their order.
/// </summary>
/// <remarks>See <see cref="ClassSummary"/> for how empty masks and undefined HD95 are counted.</remarks>
public sealed class MetricsAggregator
{
    private readonly int _numClasses;
    private readonly string[] _names;
    private readonly ClassAccumulator[] _classes;
    private RunningMoments _pixelAccuracy;

    /// <param name="numClasses">classes including background (binary = 2).</param>
    /// <param name="classNames">one name per class id, background (id 0) included; default "class N".</param>
    public MetricsAggregator(int numClasses, IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numClasses, 256);
        if (classNames != null && classNames.Count != numClasses)
            throw new ArgumentException($"{classNames.Count} class names for {numClasses} classes; name every class id, background (0) included", nameof(classNames));
        _numClasses = numClasses;
        _names = new string[numClasses];
        for (int c = 0; c < numClasses; c++) _names[c] = classNames?[c] ?? $"class {c}";
        _classes = new ClassAccumulator[numClasses - 1];
        for (int k = 0; k < _classes.Length; k++) _classes[k] = new ClassAccumulator();
    }

    /// <summary>Images added so far.</summary>
    public int Count { get; private set; }

    public void Add(ImageMetrics m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Classes.Count != _numClasses - 1)
            throw new ArgumentException($"{m.Id} has {m.Classes.Count} foreground classes, expected {_numClasses - 1}", nameof(m));
        // Validate everything before touching the accumulators, so a bad image leaves no partial trace.
        for (int k = 0; k < m.Classes.Count; k++)
        {
            if (m.Classes[k].ClassId != k + 1)
                throw new ArgumentException($"{m.Id}: entry {k} is class {m.Classes[k].ClassId}, expected {k + 1}", nameof(m));
        }
        for (int k = 0; k < m.Classes.Count; k++) _classes[k].Add(m.Classes[k]);
        _pixelAccuracy.Add(m.PixelAccuracy);
        Count++;
    }

    /// <summary>The summary of the images added so far; NaN means (and zero counts) when there are none.</summary>
    public MetricsSummary Summarize()
    {
        var classes = new ClassSummary[_classes.Length];
        double iou = 0, dice = 0, precision = 0, recall = 0, hd95 = 0;
        int hd95Classes = 0;
        for (int k = 0; k < _classes.Length; k++)
        {
            var s = _classes[k].Summarize(k + 1, _names[k + 1], Count);
            classes[k] = s;
            iou += s.IouMean;
            dice += s.DiceMean;
            precision += s.PrecisionMean;
            recall += s.RecallMean;
            if (!double.IsNaN(s.Hd95Mean))
            {
                hd95 += s.Hd95Mean;
                hd95Classes++;
            }
        }
        int n = classes.Length;
        return new MetricsSummary(Count, classes, iou / n, dice / n, precision / n, recall / n,
            _pixelAccuracy.Mean, hd95Classes > 0 ? hd95 / hd95Classes : double.NaN);
    }

    private sealed class ClassAccumulator
    {
        private RunningMoments _iou, _dice, _precision, _recall, _hd95;
        private int _hd95Undefined, _bothEmpty;
        private ConfusionCounts _pooled;

        public void Add(ClassMetrics c)
        {
            _iou.Add(c.Iou);
            _dice.Add(c.Dice);
            _precision.Add(c.Precision);
            _recall.Add(c.Recall);
            if (c.Hd95Undefined) _hd95Undefined++;
            // NaN here with defined counts means HD95 was not computed for this image.
            else if (!double.IsNaN(c.Hd95)) _hd95.Add(c.Hd95);
            if (c.BothEmpty) _bothEmpty++;
            _pooled += c.Counts;
        }

        public ClassSummary Summarize(int classId, string name, int images) => new(
            classId, name, _iou.Mean, _iou.PopulationStd, _dice.Mean, _dice.PopulationStd, _precision.Mean, _recall.Mean,
            _hd95.Mean, _hd95Undefined, _bothEmpty,
            images == 0 ? double.NaN : _pooled.Iou, images == 0 ? double.NaN : _pooled.Dice);
    }
}
