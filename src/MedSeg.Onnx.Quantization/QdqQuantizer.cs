using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MedSeg.Onnx.Quantization;

/// <summary>
/// Static int8 quantization of a float segmentation graph in QDQ form: every activation that
/// feeds the network's body (Conv, ConvTranspose, MaxPool, Concat, Pad, Resize) passes through a
/// QuantizeLinear → DequantizeLinear pair with uint8 parameters from calibration; convolution
/// weights are int8, symmetric, one scale per output channel; biases int32 at input scale ×
/// weight scale. ONNX Runtime's CPU provider fuses each DQ → Conv → (ReLU) → Q group into an
/// int8 QLinearConv; the head (logits, sigmoid / softmax, threshold) stays float, so decisions
/// are made on unquantized logits.
/// </summary>
/// <remarks>
/// The layout follows ONNX Runtime's own quantizer (QDQ, U8S8, per-channel), which is what its
/// QDQ fusions look for: a ReLU between Conv and its Q is dropped when the Q's zero point is 0,
/// which <see cref="QuantParams.FromRange"/> guarantees for non-negative ranges; MaxPool, Pad,
/// Resize and Transpose outputs keep their input's parameters, so their Q/DQ pairs cancel and the
/// op runs on uint8.
/// </remarks>
public static class QdqQuantizer
{
    public const string PrecisionKey = "medseg.precision", CalibrationKey = "medseg.calibration";

    private static readonly HashSet<string> s_body = new(StringComparer.Ordinal) { "Conv", "ConvTranspose", "MaxPool", "Concat", "Pad", "Resize" };
    private static readonly HashSet<string> s_rangeKeeping = new(StringComparer.Ordinal) { "MaxPool", "Pad", "Resize", "Transpose" };

    /// <param name="frames">Calibration inputs, one frame each in the graph input's layout (training images, preprocessed).</param>
    /// <param name="calibration">Where the frames came from, written to the metadata.</param>
    public static ModelProto Quantize(ModelProto model, IReadOnlyList<float[]> frames, QuantizationOptions? options = null, string calibration = "")
    {
        ArgumentNullException.ThrowIfNull(model);
        options = (options ?? new QuantizationOptions()).Validate();
        if (model.MetadataProps.Any(static p => p.Key == PrecisionKey && p.Value != "fp32"))
            throw new ArgumentException("the model is already quantized", nameof(model));
        var graph = model.Graph;
        var weights = graph.Initializer.ToDictionary(static t => t.Name, StringComparer.Ordinal);

        // 1. Which activations get a Q/DQ pair, in graph order; which of them inherit their producer's input parameters.
        var (activations, inherit) = Activations(graph, weights);
        if (activations.Count == 0) throw new ArgumentException("the graph has no convolution to quantize", nameof(model));

        // 2. Calibration: the ranges of the tensors that do not inherit theirs.
        var measured = activations.Where(t => !inherit.ContainsKey(t)).ToList();
        var ranges = ActivationCalibrator.Ranges(model, measured, frames, options);
        var qp = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        foreach (string t in activations)
            qp[t] = inherit.TryGetValue(t, out var from) ? qp[from] : QuantParams.FromRange(ranges[t].Min, ranges[t].Max);

        // 3. The rewritten graph: weight DQs first, then each node with its inputs read through DQ and its outputs followed by Q/DQ.
        var result = model.Clone();
        var g = result.Graph;
        var nodes = new List<NodeProto>();
        var weightNodes = new List<NodeProto>();
        var writer = new QdqWriter(g);
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in g.Input)
            if (qp.TryGetValue(input.Name, out var p)) nodes.AddRange(writer.Pair(input.Name, p));
        foreach (var node in g.Node)
        {
            bool conv = node.OpType is "Conv" or "ConvTranspose";
            string data = node.Input[0];
            for (int j = 0; j < node.Input.Count; j++)
            {
                string name = node.Input[j];
                if (qp.ContainsKey(name)) node.Input[j] = QdqWriter.Dequantized(name);
                else if (conv && j == 1 && weights.TryGetValue(name, out var w))
                {
                    node.Input[j] = writer.Weight(w, node.OpType == "Conv" ? 0 : 1, weightNodes, out _);
                    dropped.Add(name);
                }
                else if (conv && j == 2 && weights.TryGetValue(name, out var b) && qp.TryGetValue(data, out var xp))
                {
                    // An int32 bias needs the input's scale; a convolution on an unquantized input keeps a float bias.
                    node.Input[j] = writer.Bias(b, xp.Scale, writer.WeightScales(node.Input[1]), weightNodes);
                    dropped.Add(name);
                }
            }
            nodes.Add(node);
            foreach (string o in node.Output)
                if (qp.TryGetValue(o, out var p)) nodes.AddRange(writer.Pair(o, p));
        }
        g.Node.Clear();
        g.Node.AddRange(weightNodes);
        g.Node.AddRange(nodes);
        var kept = g.Initializer.Where(t => !dropped.Contains(t.Name)).ToList();
        g.Initializer.Clear();
        g.Initializer.AddRange(kept);
        g.Initializer.AddRange(writer.Initializers);

        // 4. The metadata says what was done, so an engine (or a person) can tell an int8 file from a float one.
        SetMetadata(result, PrecisionKey, "int8");
        SetMetadata(result, CalibrationKey,
            $"{options.Method.ToString().ToLowerInvariant()}{(options.Method == CalibrationMethod.Percentile ? $" {options.Percentile}%" : "")} over {frames.Count} frames" +
            (calibration.Length > 0 ? $" of {calibration}" : ""));
        result.DocString += $"; int8 QDQ (U8S8, per-channel weights) calibrated on {frames.Count} frames";
        return result;
    }

    /// <summary>The precision a model's metadata states (fp32 when it states none).</summary>
    public static string PrecisionOf(ModelProto model) =>
        model.MetadataProps.FirstOrDefault(static p => p.Key == PrecisionKey)?.Value ?? "fp32";

    /// <summary>Float activations every consumer of which is a body op; and, for range-keeping ops on such an input, the tensor whose parameters they reuse.</summary>
    private static (List<string> Activations, Dictionary<string, string> Inherit) Activations(GraphProto graph, Dictionary<string, TensorProto> weights)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
            foreach (string i in n.Input.Where(static i => i.Length > 0))
                (consumers.TryGetValue(i, out var list) ? list : consumers[i] = []).Add(n);
        var outputs = graph.Output.Select(static o => o.Name).ToHashSet(StringComparer.Ordinal);
        bool Feeds(string t) =>
            !weights.ContainsKey(t) && !outputs.Contains(t) && consumers.TryGetValue(t, out var c) &&
            c.All(n => s_body.Contains(n.OpType) && (n.OpType is not ("Conv" or "ConvTranspose") || n.Input[0] == t));

        var result = new List<string>();
        var inherit = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
            if (input.Type.TensorType.ElemType == (int)DataType.Float && Feeds(input.Name)) result.Add(input.Name);
        foreach (var n in graph.Node)
            foreach (string o in n.Output)
            {
                if (!Feeds(o)) continue;
                result.Add(o);
                if (s_rangeKeeping.Contains(n.OpType) && result.Contains(n.Input[0])) inherit[o] = n.Input[0];
            }
        return (result, inherit);
    }

    private static void SetMetadata(ModelProto model, string key, string value)
    {
        var existing = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (existing is not null) existing.Value = value;
        else model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }
}
