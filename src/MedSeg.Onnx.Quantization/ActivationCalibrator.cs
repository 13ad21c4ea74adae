using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MedSeg.Onnx.Quantization;

/// <summary>
/// The value range of chosen intermediate tensors of a float graph over calibration frames: the
/// graph is run by ONNX Runtime with those tensors as its outputs, as ONNX Runtime's own static
/// calibrator does, so the ranges are those of the very graph being quantized.
/// </summary>
internal static class ActivationCalibrator
{
    private const int Bins = 2048;

    /// <param name="frames">Inputs of one frame each, in the graph input's layout (its shape without the batch).</param>
    public static Dictionary<string, (float Min, float Max)> Ranges(ModelProto model, IReadOnlyList<string> tensors, IReadOnlyList<float[]> frames, QuantizationOptions o)
    {
        if (frames.Count == 0) throw new ArgumentException("calibration needs at least one frame", nameof(frames));
        // 1. The graph with the tensors to measure as its only outputs (ONNX Runtime prunes what none of them needs).
        var probe = model.Clone();
        probe.Graph.Output.Clear();
        foreach (string t in tensors)
            probe.Graph.Output.Add(new ValueInfoProto { Name = t, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var input = probe.Graph.Input[0];
        var dims = input.Type.TensorType.Shape.Dim;
        long batch = dims[0].DimValue > 0 ? dims[0].DimValue : 1;
        long[] shape = [batch, .. dims.Skip(1).Select(static d => d.DimValue)];
        long frameSize = shape.Skip(1).Aggregate(1L, static (a, d) => a * d);
        foreach (var f in frames)
            if (f.Length != frameSize) throw new ArgumentException($"a calibration frame has {f.Length} values; the graph input '{input.Name}' takes {frameSize} per frame", nameof(frames));

        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        if (dims[0].DimValue <= 0 && dims[0].DimParam is { Length: > 0 } symbol) so.AddFreeDimensionOverrideByName(symbol, 1);
        using var session = new InferenceSession(probe.ToByteArray(), so);
        var min = new float[tensors.Count];
        var max = new float[tensors.Count];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);

        // 2. Pass one: min and max.
        Run(session, input.Name, tensors, frames, shape, frameSize, (i, values) =>
        {
            foreach (float v in values)
            {
                if (v < min[i]) min[i] = v;
                if (v > max[i]) max[i] = v;
            }
        });
        if (o.Method == CalibrationMethod.MinMax)
            return tensors.Select((t, i) => (t, i)).ToDictionary(static x => x.t, x => (min[x.i], max[x.i]), StringComparer.Ordinal);

        // 3. Percentile: pass two fills a histogram over each tensor's [min, max] and cuts both tails.
        var histograms = tensors.Select(static _ => new long[Bins]).ToArray();
        Run(session, input.Name, tensors, frames, shape, frameSize, (i, values) =>
        {
            float width = (max[i] - min[i]) / Bins;
            if (!(width > 0)) return;
            var h = histograms[i];
            foreach (float v in values) h[Math.Clamp((int)((v - min[i]) / width), 0, Bins - 1)]++;
        });
        double tail = (100 - o.Percentile) / 100;
        var result = new Dictionary<string, (float Min, float Max)>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            float width = (max[i] - min[i]) / Bins;
            if (!(width > 0))
            {
                result[tensors[i]] = (min[i], max[i]);
                continue;
            }
            var h = histograms[i];
            long total = h.Sum(), cut = (long)(tail * total);
            int lo = 0, hi = Bins - 1;
            for (long seen = h[0]; seen <= cut && lo < Bins - 1; seen += h[++lo]) { }
            for (long seen = h[^1]; seen <= cut && hi > 0; seen += h[--hi]) { }
            result[tensors[i]] = (min[i] + lo * width, min[i] + (hi + 1) * width);
        }
        return result;
    }

    private static void Run(InferenceSession session, string inputName, IReadOnlyList<string> tensors, IReadOnlyList<float[]> frames,
                            long[] shape, long frameSize, Action<int, ReadOnlySpan<float>> observe)
    {
        var buffer = new float[shape[0] * frameSize];
        using var run = new RunOptions();
        // A fixed batch of B takes B frames per run; the last run repeats its final frame, which moves no range.
        for (int first = 0; first < frames.Count; first += (int)shape[0])
        {
            for (int b = 0; b < shape[0]; b++) frames[Math.Min(first + b, frames.Count - 1)].CopyTo(buffer, b * frameSize);
            using var value = OrtValue.CreateTensorValueFromMemory(buffer, shape);
            using var outputs = session.Run(run, [inputName], [value], tensors);
            int i = 0;
            foreach (var output in outputs) observe(i++, output.GetTensorDataAsSpan<float>());
        }
    }
}
