using MedSeg.Core.Metrics;

namespace MedSeg.Model.Training;

/// <summary>The per-class log-probability offsets <see cref="ClassOffsetTuner"/> chose, with the validation score there and at none.</summary>
public sealed record ClassOffsetChoice(IReadOnlyList<double> Offsets, double Score, double CurrentScore, string Metric, IReadOnlyList<string> ClassNames)
{
    public bool Changed => Offsets.Any(static o => o != 0);

    public string Describe()
    {
        if (!Changed)
            return $"class offsets stay 0: no offset scored val {Metric} ≥ {ClassOffsetTuner.MinGain} above its {CurrentScore:F4}";
        string moved = string.Join(", ", Offsets.Select((o, c) => (o, c)).Where(static t => t.o != 0).Select(t => $"{ClassNames[t.c]} {t.o:+0.##;−0.##}"));
        return $"class offsets chosen on the validation split ({moved}, added to the log-probabilities before arg-max, folded into the output layer's bias): " +
               $"val {Metric} {Score:F4} against {CurrentScore:F4} without";
    }
}

/// <summary>
/// The multi-class counterpart of <see cref="ThresholdTuner"/>: an offset per foreground class
/// added to the log-probabilities before arg-max, chosen after training on the validation split
/// at the masks' own resolution, by coordinate ascent over a grid (background fixed at 0).
/// </summary>
/// <remarks>
/// Why: arg-max of a softmax trained with cross-entropy decides where the classes' probabilities
/// balance, which for a rare class (deep grey nuclei in an MRI slice: under 1 % of the pixels) is
/// well inside the structure, so a class the network already ranks correctly can still never win a
/// pixel within the step budget. Shifting its log-probability is the decision-level correction of
/// a class prior (logit adjustment, Menon et al. 2021), and like the binary threshold it is
/// chosen where it is scored, on held-back images. Each line search takes the peak of the curve
/// smoothed over neighbouring grid points and moves only for a gain of at least
/// <see cref="MinGain"/>. Adding a constant per class to the log-probabilities is adding it to
/// the output layer's bias, so the chosen offsets are folded into the weights: every engine, the
/// ONNX export and its labels head decode them with no change.
/// </remarks>
public sealed class ClassOffsetTuner
{
    public const double MinGain = ThresholdTuner.MinGain;
    /// <summary>The grid: −<see cref="Range"/> … +<see cref="Range"/> in steps of <see cref="Step"/> (natural log units: e³ ≈ 20× in odds).</summary>
    public const double Range = 3.0, Step = 0.25;
    public const int Rounds = 3;
    /// <summary>Pixels kept per image (a regular sub-grid above it), so the tuner's memory stays bounded at any image size.</summary>
    public const int MaxPixelsPerImage = 1 << 16;
    private const float LogFloor = -13.8f; // log(1e-6): a zero probability is very unlikely, not impossible

    private readonly IReadOnlyList<string> _classNames;
    private readonly SelectionMetric _metric;
    private readonly List<Image> _images = [];
    private readonly double[] _grid = [.. Enumerable.Range(0, (int)(2 * Range / Step) + 1).Select(static i => -Range + i * Step)];
    private byte[] _labels = [];

    private sealed record Image(string Id, float[] LogP, byte[] Truth, int Width, int Height);

    /// <param name="classNames">background first, then at least two foreground classes.</param>
    public ClassOffsetTuner(IReadOnlyList<string> classNames, SelectionMetric metric)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count < 3) throw new ArgumentException($"class offsets belong to a softmax head over 3 or more classes, not {classNames.Count} (a binary head has a threshold)", nameof(classNames));
        _classNames = classNames;
        _metric = metric;
    }

    public int Count => _images.Count;

    public void Add(ScoredProbabilities image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int k = _classNames.Count;
        if (image.Channels != k) throw new ArgumentException($"{image.Id}: {image.Channels} probability planes for {k} classes", nameof(image));
        image.CheckShape();
        int stride = 1;
        while ((long)((image.Width + stride - 1) / stride) * ((image.Height + stride - 1) / stride) > MaxPixelsPerImage) stride++;
        int w = (image.Width + stride - 1) / stride, h = (image.Height + stride - 1) / stride, plane = image.Width * image.Height;
        var logP = new float[k * w * h];
        var truth = new byte[w * h];
        for (int y = 0, q = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++, q++)
            {
                int p = y * stride * image.Width + x * stride;
                truth[q] = image.Truth[p];
                for (int c = 0; c < k; c++)
                    logP[c * w * h + q] = Math.Max(LogFloor, MathF.Log(image.Probabilities[c * plane + p]));
            }
        }
        _images.Add(new Image(image.Id, logP, truth, w, h));
    }

    /// <summary>Coordinate ascent from all zeros; all zeros unless the result gains ≥ <see cref="MinGain"/>.</summary>
    public ClassOffsetChoice Choose()
    {
        if (_images.Count == 0) throw new InvalidOperationException("no validation images were scored");
        int k = _classNames.Count;
        string metric = _metric == SelectionMetric.Iou ? "IoU" : "Dice";
        var offsets = new double[k];
        double none = Score(offsets), current = none;
        for (int round = 0; round < Rounds; round++)
        {
            bool moved = false;
            for (int c = 1; c < k; c++)
            {
                double keep = offsets[c];
                double[] raw = new double[_grid.Length];
                for (int g = 0; g < _grid.Length; g++)
                {
                    offsets[c] = _grid[g];
                    raw[g] = Score(offsets);
                }
                int at = Array.IndexOf(_grid, keep), best = Peak(raw, at);
                if (raw[best] - raw[at] >= MinGain)
                {
                    offsets[c] = _grid[best];
                    current = raw[best];
                    moved = true;
                }
                else offsets[c] = keep;
            }
            if (!moved) break;
        }
        if (current - none < MinGain) return new ClassOffsetChoice(new double[k], none, none, metric, _classNames);
        return new ClassOffsetChoice(offsets, current, none, metric, _classNames);
    }

    /// <summary>The peak of the 3-point smoothed curve; ties go to the grid point nearer <paramref name="at"/>.</summary>
    private static int Peak(double[] raw, int at)
    {
        double[] smooth = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int lo = Math.Max(0, i - 1), hi = Math.Min(raw.Length - 1, i + 1);
            double sum = 0;
            for (int j = lo; j <= hi; j++) sum += raw[j];
            smooth[i] = sum / (hi - lo + 1);
        }
        int best = at;
        for (int i = 0; i < raw.Length; i++)
            if (smooth[i] > smooth[best] || (smooth[i] == smooth[best] && Math.Abs(i - at) < Math.Abs(best - at))) best = i;
        return best;
    }

    /// <summary>The validation metric with these offsets: arg-max of log p + offset, scored as eval scores.</summary>
    private double Score(double[] offsets)
    {
        int k = _classNames.Count;
        var aggregator = new MetricsAggregator(k, _classNames);
        var off = offsets.Select(static o => (float)o).ToArray();
        foreach (var im in _images)
        {
            int plane = im.Width * im.Height;
            if (_labels.Length < plane) _labels = new byte[plane];
            var labels = _labels.AsSpan(0, plane);
            for (int p = 0; p < plane; p++)
            {
                int best = 0;
                float top = im.LogP[p] + off[0];
                for (int c = 1; c < k; c++)
                {
                    float v = im.LogP[c * plane + p] + off[c];
                    if (v > top) { top = v; best = c; }
                }
                labels[p] = (byte)best;
            }
            aggregator.Add(ImageMetrics.Compute(im.Id, labels, im.Truth, im.Width, im.Height, k, computeHd95: false));
        }
        var s = aggregator.Summarize();
        return _metric == SelectionMetric.Iou ? s.MeanIou : s.MeanDice;
    }

    /// <summary>Adds the offsets to the output layer's bias: softmax(z + b) decodes as arg-max(log p + b).</summary>
    public static void FoldInto(UNet model, IReadOnlyList<double> offsets)
    {
        ArgumentNullException.ThrowIfNull(model);
        var bias = model.get_parameter("outc.conv.bias");
        if (bias.shape[0] != offsets.Count) throw new ArgumentException($"{offsets.Count} offsets for an output layer of {bias.shape[0]} classes", nameof(offsets));
        using var noGrad = TorchSharp.torch.no_grad();
        using var add = TorchSharp.torch.tensor(offsets.Select(static o => (float)o).ToArray(), dtype: bias.dtype, device: bias.device);
        bias.add_(add);
    }
}
