using MedSeg.Core.Inference;
using MedSeg.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>Mean loss and metrics of a model over a prepared data set.</summary>
public sealed record EvaluationResult(double Loss, IReadOnlyList<ImageMetrics> Images, MetricsSummary Summary);

/// <summary>
/// Runs a model over a prepared set in inference mode and scores every image with the same
/// metric code `eval` and `score` use, so validation numbers and reports can never disagree.
/// </summary>
/// <remarks>
/// Scores at each mask's own resolution when the set kept its native masks: the class
/// probabilities (not the labels) are resampled bilinearly to the mask's size and decoded there,
/// so the numbers are those of the user's data, not of the network's input grid. With
/// <c>windows</c> and images larger than its patch, probabilities come from Gaussian-weighted
/// sliding windows (<see cref="SlidingWindowInference"/>). The network is the model itself
/// (validation during training) or any engine that gives class probabilities
/// (<see cref="IProbabilityEngine"/>: `eval --engine torch|onnx`); the scoring is the same code.
/// </remarks>
public static class Evaluator
{
    private const double Eps = 1e-6;

    /// <param name="onPrediction">called per image with its index, predicted ids and foreground probability, at the prepared size.</param>
    /// <param name="onScored">binary heads: called per image with its foreground probability and truth at the size it is scored at (<see cref="ThresholdTuner"/>).</param>
    public static EvaluationResult Evaluate(
        UNet model, PreparedDataset data, Device device, double threshold, LossKind loss, int batchSize,
        IReadOnlyList<string> classNames, bool hd95 = false,
        Action<int, byte[], float[]>? onPrediction = null, CancellationToken ct = default,
        SlidingWindowInference? windows = null, Action<ScoredForeground>? onScored = null)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            return Score(model.forward, givesProbabilities: false, model.Options.IsBinary, data, device, threshold, loss, batchSize,
                         classNames, hd95, onPrediction, ct, windows, onScored);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>The same evaluation through an engine (on the CPU side of it: batches go in as floats, probabilities come back).</summary>
    public static EvaluationResult Evaluate(
        ISegmentationEngine engine, PreparedDataset data, double threshold, LossKind loss, int batchSize,
        IReadOnlyList<string> classNames, bool hd95 = false,
        Action<int, byte[], float[]>? onPrediction = null, CancellationToken ct = default,
        SlidingWindowInference? windows = null, Action<ScoredForeground>? onScored = null)
    {
        var forward = EngineProbabilities.For(engine);
        return Score(forward, givesProbabilities: true, engine.Contract.IsBinary, data, CPU, threshold, loss, batchSize,
                     classNames, hd95, onPrediction, ct, windows, onScored);
    }

    private static EvaluationResult Score(
        Func<Tensor, Tensor> forward, bool givesProbabilities, bool binary, PreparedDataset data, Device device, double threshold,
        LossKind loss, int batchSize, IReadOnlyList<string> classNames, bool hd95,
        Action<int, byte[], float[]>? onPrediction, CancellationToken ct, SlidingWindowInference? windows, Action<ScoredForeground>? onScored)
    {
        using var builder = new BatchBuilder(data, Imaging.Augment.AugmentOptions.None, binary);
        var aggregator = new MetricsAggregator(classNames.Count, classNames);
        var images = new List<ImageMetrics>(data.Count);
        int h = data.Height, w = data.Width, plane = h * w;
        bool tiled = windows != null && (h > windows.PatchHeight || w > windows.PatchWidth);
        // Held for the whole call: a number passed as a Scalar would be a temporary libtorch may read after a GC freed it.
        using Scalar low = Eps.ToScalar(), high = (1 - Eps).ToScalar();
        double lossSum = 0;
        var rng = new Random(0);
        var labels = new byte[plane];
        var foreground = new float[plane];
        using (var mode = inference_mode())
        {
            for (int start = 0; start < data.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, data.Count - start);
                int[] idx = Enumerable.Range(start, n).ToArray();
                using var scope = NewDisposeScope();
                var (x, y) = builder.Build(idx, rng, device);
                Tensor probabilities;
                if (tiled || givesProbabilities)
                {
                    probabilities = tiled ? windows!.Probabilities(forward, x, givesProbabilities) : forward(x);
                    lossSum += Losses.Compute(loss, LogitsOf(probabilities, low, high), y).item<float>() * n;
                }
                else
                {
                    var logits = forward(x);
                    lossSum += Losses.Compute(loss, logits, y).item<float>() * n;
                    probabilities = Heads.Probabilities(logits);
                }
                var cpu = probabilities.cpu();
                int k = (int)cpu.shape[1];
                float[] all = cpu.data<float>().ToArray();
                for (int j = 0; j < n; j++)
                {
                    int i = start + j;
                    ProbabilityLabels.Decode(all.AsSpan(j * k * plane, k * plane), k, threshold, labels, foreground);
                    onPrediction?.Invoke(i, labels.ToArray(), foreground.ToArray());
                    ImageMetrics m;
                    if (data.NativeMask(i) is { } native && (native.Width != w || native.Height != h))
                    {
                        byte[] atNative = ProbabilityDecoder.LabelsAt(cpu[j], native.Width, native.Height, threshold);
                        m = ImageMetrics.Compute(data.Id(i), atNative, native.Ids, native.Width, native.Height, classNames.Count, hd95);
                        if (onScored != null && k == 1)
                        {
                            var p = new float[native.Width * native.Height];
                            ProbabilityResize.Bilinear(all.AsSpan(j * plane, plane), 1, w, h, p, native.Width, native.Height);
                            onScored(new ScoredForeground(data.Id(i), p, native.Ids, native.Width, native.Height));
                        }
                    }
                    else
                    {
                        m = ImageMetrics.Compute(data.Id(i), labels, data.Mask(i), w, h, classNames.Count, hd95);
                        if (onScored != null && k == 1) onScored(new ScoredForeground(data.Id(i), foreground.ToArray(), data.Mask(i).ToArray(), w, h));
                    }
                    images.Add(m);
                    aggregator.Add(m);
                }
            }
        }
        return new EvaluationResult(data.Count > 0 ? lossSum / data.Count : double.NaN, images, aggregator.Summarize());
    }

    /// <summary>Logits whose sigmoid / softmax gives back <paramref name="p"/> (clamped away from 0 and 1), for the loss.</summary>
    private static Tensor LogitsOf(Tensor p, Scalar low, Scalar high)
    {
        var c = p.clamp(low, high);
        return p.shape[1] == 1 ? c.log().sub(c.neg().log1p()) : c.log();
    }
}
