using MedSeg.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// The input and outputs of a segmentation graph as the engine binds them, checked against the
/// contract the file states: one float image input of rank 4 in the stated layout and size;
/// for a labels head the outputs "labels" (uint8 N×H×W) and "foreground" (float N×H×W), otherwise
/// one float output of rank 4 with one channel per class (one for a binary head).
/// </summary>
internal sealed record OnnxGraphSignature(string Input, string? BatchSymbol, int? FixedBatch, string[] Outputs)
{
    public const string LabelsOutput = "labels", ForegroundOutput = "foreground";

    public static OnnxGraphSignature Read(InferenceSession session, ModelContract c, string source)
    {
        if (session.InputMetadata.Count != 1)
            throw new ModelFormatException(source, $"a segmentation graph has one input; this one has {session.InputMetadata.Count} ({string.Join(", ", session.InputMetadata.Keys)})");
        var (name, input) = session.InputMetadata.First();
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || input.Dimensions.Length != 4)
            throw new ModelFormatException(source, $"input '{name}' must be a float tensor of rank 4, not {Describe(input)}");
        int[] want = c.Layout == TensorLayout.Nhwc ? [-1, c.Height, c.Width, c.Channels] : [-1, c.Channels, c.Height, c.Width];
        for (int i = 1; i < 4; i++)
            if (input.Dimensions[i] > 0 && input.Dimensions[i] != want[i])
                throw new ModelFormatException(source, $"input '{name}' is {Describe(input)} but the model's contract says {c.Layout.ToString().ToUpperInvariant()} " +
                                                       $"{c.Channels}×{c.Height}×{c.Width} (preprocessing {c.Width}×{c.Height}, {c.Preprocess.Color})");
        int batch = input.Dimensions[0];
        string? symbol = batch > 0 ? null : input.SymbolicDimensions.ElementAtOrDefault(0) is { Length: > 0 } s ? s : null;

        string[] outputs;
        if (c.Head == OutputHead.Labels)
        {
            Expect(session, LabelsOutput, TensorElementType.UInt8, 3, source);
            Expect(session, ForegroundOutput, TensorElementType.Float, 3, source);
            outputs = [LabelsOutput, ForegroundOutput];
        }
        else
        {
            var (oname, o) = session.OutputMetadata.First();
            if (!o.IsTensor || o.ElementDataType != TensorElementType.Float || o.Dimensions.Length != 4)
                throw new ModelFormatException(source, $"output '{oname}' of a {c.Head.ToString().ToLowerInvariant()} head must be a float tensor of rank 4, not {Describe(o)}");
            int k = o.Dimensions[c.Layout == TensorLayout.Nhwc ? 3 : 1];
            if (k > 0 && k != c.OutputChannels)
                throw new ModelFormatException(source, $"output '{oname}' has {k} channels but {c.ClassNames.Count} classes need {c.OutputChannels}");
            outputs = [oname];
        }
        return new OnnxGraphSignature(name, symbol, batch > 0 ? batch : null, outputs);
    }

    private static void Expect(InferenceSession session, string name, TensorElementType type, int rank, string source)
    {
        if (!session.OutputMetadata.TryGetValue(name, out var o))
            throw new ModelFormatException(source, $"a labels head needs an output '{name}'; the graph has {string.Join(", ", session.OutputMetadata.Keys)}");
        if (!o.IsTensor || o.ElementDataType != type || o.Dimensions.Length != rank)
            throw new ModelFormatException(source, $"output '{name}' must be a {type} tensor of rank {rank}, not {Describe(o)}");
    }

    private static string Describe(NodeMetadata m) =>
        m.IsTensor ? $"{m.ElementDataType} [{string.Join("×", m.Dimensions.Select(static d => d > 0 ? d.ToString() : "?"))}]" : m.OnnxValueType.ToString();
}
