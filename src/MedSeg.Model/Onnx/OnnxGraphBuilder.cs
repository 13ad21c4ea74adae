using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MedSeg.Model.Onnx;

/// <summary>
/// Appends nodes, initializers, inputs and outputs to one ONNX <see cref="GraphProto"/>, naming
/// every intermediate value after the node that makes it ("conv_3", "relu_7", …) so the graph
/// reads in forward order in Netron and in checker messages.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>Adds one node with a single output and returns the output's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds one node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] Node(string opType, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        string name = Unique(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => outputs == 1 ? name : $"{name}_{i}").ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Renames the output of the last node added (graph outputs get their public names).</summary>
    public void RenameLastOutput(string from, string to)
    {
        var last = Graph.Node[^1];
        int i = last.Output.IndexOf(from);
        if (i < 0) throw new InvalidOperationException($"the last node does not make '{from}'");
        last.Output[i] = to;
    }

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Add(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Add(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>A graph input or output of a tensor type; a null dimension is symbolic (named by <paramref name="symbols"/>).</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long?[] dims, string symbol = "N")
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is { } v ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = symbol });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private string Add(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, static (a, d) => a * d);
        if (expected != count) throw new ArgumentException($"initializer '{name}': {count} values for shape [{string.Join(",", dims)}]", nameof(dims));
        // raw_data is little-endian by the spec, as is every machine .NET runs on here.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data needs a little-endian host");
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    private string Unique(string stem)
    {
        int n = _counts.TryGetValue(stem, out int c) ? c : 0;
        _counts[stem] = n + 1;
        return $"{stem}_{n}";
    }
}
