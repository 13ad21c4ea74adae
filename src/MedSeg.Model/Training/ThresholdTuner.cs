using MedSeg.Core.Metrics;

namespace MedSeg.Model.Training;

/// <summary>One validation image's foreground probability and truth at the size it is scored at (the mask's own).</summary>
public sealed record ScoredForeground(string Id, float[] Probability, byte[] Truth, int Width, int Height);

/// <summary>The threshold <see cref="ThresholdTuner"/> chose, the score there and at the threshold it replaces, and the whole curve.</summary>
public sealed record ThresholdChoice(double Threshold, double Score, double Current, double CurrentScore, string Metric,
                                     IReadOnlyList<double> Candidates, IReadOnlyList<double> Scores)
{
    public bool Changed => Threshold != Current;

    public string Describe() => Changed
        ? $"threshold {Threshold:0.##} chosen on the validation split: val {Metric} {Score:F4} against {CurrentScore:F4} at {Current:0.##}"
        : $"threshold stays {Current:0.##}: no threshold scored val {Metric} ≥ {ThresholdTuner.MinGain} above its {CurrentScore:F4}";
}

/// <summary>
/// A binary head's probability threshold, chosen after training on the validation split at the
/// masks' own resolution (nnU-Net likewise decides its post-processing on validation predictions).
/// </summary>
/// <remarks>
/// Why: 0.5 is where the loss balances the two classes, not where the selection metric peaks,
/// and the offset differs by data set and in sign. Measured on real sets (README, "Real data"):
/// ISBI-polarity cells (thin background membranes) peaked at 0.4, pixel error 0.0280 → 0.0214;
/// thin/ (thin foreground) at 0.7, Dice 0.790 → 0.866. The curve is smoothed over neighbouring
/// candidates before its peak is taken, so one lucky grid point on a few images does not decide,
/// and the threshold moves only for a gain of at least <see cref="MinGain"/>. Multi-class heads
/// decode by arg-max and have no threshold. The tuned value travels in the checkpoint (and the
/// ONNX metadata) to eval, stream and the overlay.
/// </remarks>
public sealed class ThresholdTuner
{
    /// <summary>The smallest gain in the validation metric for which the threshold moves.</summary>
    public const double MinGain = 0.002;

    private readonly double[] _candidates;
    private readonly MetricsAggregator[] _scores;
    private readonly SelectionMetric _metric;
    private readonly double _current;
    private byte[] _labels = [];

    /// <param name="classNames">background and foreground.</param>
    /// <param name="current">the threshold in use (scored too, whether or not it is on the grid).</param>
    public ThresholdTuner(IReadOnlyList<string> classNames, SelectionMetric metric, double current)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count != 2) throw new ArgumentException($"a threshold belongs to a binary head, not to {classNames.Count} classes", nameof(classNames));
        _metric = metric;
        _current = current;
        _candidates = [.. Enumerable.Range(1, 19).Select(static i => i / 20.0).Append(current).Distinct().Order()];
        _scores = [.. _candidates.Select(_ => new MetricsAggregator(2, classNames))];
    }

    public IReadOnlyList<double> Candidates => _candidates;

    public void Add(ScoredForeground image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int pixels = image.Width * image.Height;
        if (image.Probability.Length != pixels || image.Truth.Length != pixels)
            throw new ArgumentException($"{image.Id}: {image.Probability.Length} probabilities and {image.Truth.Length} truth pixels for {image.Width}×{image.Height}", nameof(image));
        if (_labels.Length != pixels) _labels = new byte[pixels];
        for (int c = 0; c < _candidates.Length; c++)
        {
            // The decode of ProbabilityLabels: foreground where p > threshold.
            float t = (float)_candidates[c];
            for (int p = 0; p < pixels; p++) _labels[p] = image.Probability[p] > t ? (byte)1 : (byte)0;
            _scores[c].Add(ImageMetrics.Compute(image.Id, _labels, image.Truth, image.Width, image.Height, 2, computeHd95: false));
        }
    }

    /// <summary>The best candidate by the smoothed curve; <c>current</c> unless that gains ≥ <see cref="MinGain"/>.</summary>
    public ThresholdChoice Choose()
    {
        if (_scores[0].Count == 0) throw new InvalidOperationException("no validation images were scored");
        // Loss does not depend on the threshold; a loss-selected run is tuned on Dice.
        string metric = _metric == SelectionMetric.Iou ? "IoU" : "Dice";
        double[] raw = [.. _scores.Select(a => a.Summarize() is var s && _metric == SelectionMetric.Iou ? s.MeanIou : s.MeanDice)];
        double[] smooth = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int lo = Math.Max(0, i - 1), hi = Math.Min(raw.Length - 1, i + 1);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += raw[j];
            smooth[i] = sum / (hi - lo + 1);
        }
        int at = Array.IndexOf(_candidates, _current), best = at;
        for (int i = 0; i < raw.Length; i++)
        {
            // Ties go to the candidate nearer the current threshold.
            if (smooth[i] > smooth[best] || (smooth[i] == smooth[best] && Math.Abs(_candidates[i] - _current) < Math.Abs(_candidates[best] - _current)))
                best = i;
        }
        if (raw[best] - raw[at] < MinGain) best = at;
        return new ThresholdChoice(_candidates[best], raw[best], _current, raw[at], metric, _candidates, raw);
    }
}
