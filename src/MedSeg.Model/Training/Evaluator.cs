using MedSeg.Core.Metrics;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>Mean loss and metrics of a model over a prepared data set.</summary>
public sealed record EvaluationResult(double Loss, IReadOnlyList<ImageMetrics> Images, MetricsSummary Summary);

/// <summary>
/// Runs a model over a prepared set in inference mode and scores every image with the same
/// metric code `eval` and `score` use, so validation numbers and reports can never disagree.
/// </summary>
public static class Evaluator
{
    /// <param name="onPrediction">called per image with its index, predicted ids and foreground probability.</param>
    public static EvaluationResult Evaluate(
        UNet model, PreparedDataset data, Device device, double threshold, LossKind loss, int batchSize,
        IReadOnlyList<string> classNames, bool hd95 = false,
        Action<int, byte[], float[]>? onPrediction = null, CancellationToken ct = default)
    {
        bool wasTraining = model.training;
        model.eval();
        using var builder = new BatchBuilder(data, Imaging.Augment.AugmentOptions.None, model.Options.IsBinary);
        var aggregator = new MetricsAggregator(classNames.Count, classNames);
        var images = new List<ImageMetrics>(data.Count);
        int h = data.Height, w = data.Width, plane = h * w;
        double lossSum = 0;
        var rng = new Random(0);
        try
        {
            using var mode = inference_mode();
            for (int start = 0; start < data.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, data.Count - start);
                int[] idx = Enumerable.Range(start, n).ToArray();
                using var scope = NewDisposeScope();
                var (x, y) = builder.Build(idx, rng, device);
                var logits = model.forward(x);
                lossSum += Losses.Compute(loss, logits, y).item<float>() * n;
                var (labels, fg) = Heads.Decode(logits, threshold);
                byte[] predAll = labels.cpu().data<byte>().ToArray();
                float[] probAll = onPrediction != null ? fg.cpu().data<float>().ToArray() : [];
                for (int k = 0; k < n; k++)
                {
                    var pred = predAll.AsSpan(k * plane, plane);
                    var m = ImageMetrics.Compute(data.Id(start + k), pred, data.Mask(start + k), w, h, classNames.Count, hd95);
                    images.Add(m);
                    aggregator.Add(m);
                    onPrediction?.Invoke(start + k, pred.ToArray(), probAll.AsSpan(k * plane, plane).ToArray());
                }
            }
        }
        finally
        {
            if (wasTraining) model.train();
        }
        return new EvaluationResult(data.Count > 0 ? lossSum / data.Count : double.NaN, images, aggregator.Summarize());
    }
}
