using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MedSeg.Onnx.Quantization;

/// <summary>
/// Makes the QuantizeLinear / DequantizeLinear nodes and the integer initializers of a QDQ graph,
/// naming each after the tensor it stands for ("relu_3_quantized", "relu_3_dq", "relu_3_scale").
/// </summary>
internal sealed class QdqWriter(GraphProto graph)
{
    public const string DequantizedSuffix = "_dq";
    private readonly Dictionary<string, float[]> _weightScales = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = graph.Initializer.Select(static t => t.Name).ToHashSet(StringComparer.Ordinal);

    public List<TensorProto> Initializers { get; } = [];

    public static string Dequantized(string tensor) => tensor + DequantizedSuffix;

    /// <summary>Q then DQ of an activation with its uint8 parameters; readers use <see cref="Dequantized"/>.</summary>
    public NodeProto[] Pair(string tensor, QuantParams p)
    {
        string scale = Add(tensor + "_scale", DataType.Float, MemoryMarshal.AsBytes<float>([p.Scale]), []);
        string zero = Add(tensor + "_zero_point", DataType.Uint8, [p.ZeroPoint], []);
        return [Node("QuantizeLinear", [tensor, scale, zero], tensor + "_quantized"), Node("DequantizeLinear", [tensor + "_quantized", scale, zero], Dequantized(tensor))];
    }

    /// <summary>A float weight as int8, symmetric, one scale per channel of <paramref name="axis"/>, and the DQ that restores it.</summary>
    public string Weight(TensorProto w, int axis, List<NodeProto> nodes, out float[] scales)
    {
        float[] values = Floats(w);
        int channels = (int)w.Dims[axis];
        long inner = w.Dims.Skip(axis + 1).Aggregate(1L, static (a, d) => a * d);
        int ChannelOf(int e) => (int)(e / inner % channels);
        scales = new float[channels];
        for (int e = 0; e < values.Length; e++)
        {
            int c = ChannelOf(e);
            scales[c] = MathF.Max(scales[c], MathF.Abs(values[e]));
        }
        for (int c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        var q = new sbyte[values.Length];
        for (int e = 0; e < values.Length; e++)
            q[e] = (sbyte)Math.Clamp(MathF.Round(values[e] / scales[ChannelOf(e)]), -127, 127);
        string quantized = Add(w.Name + "_quantized", DataType.Int8, MemoryMarshal.AsBytes<sbyte>(q), w.Dims);
        string scale = Add(w.Name + "_scale", DataType.Float, MemoryMarshal.AsBytes<float>(scales), [channels]);
        string zero = Add(w.Name + "_zero_point", DataType.Int8, new byte[channels], [channels]);
        string dequantized = PerChannelDequantize(w.Name, [quantized, scale, zero], axis, nodes);
        _weightScales[dequantized] = scales;
        return dequantized;
    }

    public float[] WeightScales(string dequantizedWeight) =>
        _weightScales.TryGetValue(dequantizedWeight, out var s) ? s : throw new InvalidOperationException($"'{dequantizedWeight}' is not a quantized weight");

    /// <summary>A float bias as int32 at scale input × weight (per channel, zero point 0), as QLinearConv adds it to its int32 accumulators.</summary>
    public string Bias(TensorProto b, float inputScale, float[] weightScales, List<NodeProto> nodes)
    {
        float[] values = Floats(b);
        if (values.Length != weightScales.Length) throw new InvalidOperationException($"bias '{b.Name}' has {values.Length} values for {weightScales.Length} channels");
        var scales = weightScales.Select(s => s * inputScale).ToArray();
        var q = values.Select((v, c) => (int)Math.Clamp(MathF.Round(v / scales[c]), int.MinValue / 2, int.MaxValue / 2)).ToArray();
        string quantized = Add(b.Name + "_quantized", DataType.Int32, MemoryMarshal.AsBytes<int>(q), b.Dims);
        string scale = Add(b.Name + "_scale", DataType.Float, MemoryMarshal.AsBytes<float>(scales), [scales.Length]);
        return PerChannelDequantize(b.Name, [quantized, scale], axis: 0, nodes);
    }

    /// <summary>The DequantizeLinear, one scale per channel of <paramref name="axis"/>, that restores initializer <paramref name="tensor"/>; returns its output.</summary>
    private static string PerChannelDequantize(string tensor, string[] inputs, int axis, List<NodeProto> nodes)
    {
        var dq = Node("DequantizeLinear", inputs, Dequantized(tensor));
        dq.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
        nodes.Add(dq);
        return dq.Output[0];
    }

    private static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)DataType.Float) throw new InvalidOperationException($"initializer '{t.Name}' is not float");
        return t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];
    }

    private string Add(string name, DataType type, ReadOnlySpan<byte> raw, IEnumerable<long> dims)
    {
        if (!_names.Add(name))
            throw new InvalidOperationException($"the graph already has an initializer '{name}'");
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        Initializers.Add(t);
        return name;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = (op == "QuantizeLinear" ? "quantize_" : "dequantize_") + output };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        return n;
    }
}
