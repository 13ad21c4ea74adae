using MedSeg.Core.Inference;
using static MedSeg.Model.Onnx.OnnxAttributes;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MedSeg.Model.Onnx;

/// <summary>
/// Writes the output head after the logits, as <see cref="Heads.Decode"/> computes it:
/// sigmoid + threshold for one channel, softmax + argmax otherwise; and the NHWC transposes.
/// </summary>
public static class OnnxHeadWriter
{
    public const string LabelsOutput = "labels", ForegroundOutput = "foreground", ProbsOutput = "probs", LogitsOutput = "logits";

    /// <summary>Adds the head's nodes and declares the graph outputs; <paramref name="batch"/> null = symbolic.</summary>
    public static void Write(OnnxGraphBuilder g, string logits, ModelContract contract, long? batch)
    {
        int k = contract.OutputChannels;
        long h = contract.Height, w = contract.Width;
        bool nhwc = contract.Layout == TensorLayout.Nhwc;
        switch (contract.Head)
        {
            case OutputHead.Logits:
                Publish(g, nhwc ? Transpose(g, logits) : logits, LogitsOutput);
                g.Graph.Output.Add(OnnxGraphBuilder.Value(LogitsOutput, DataType.Float, nhwc ? [batch, h, w, k] : [batch, k, h, w]));
                break;
            case OutputHead.Probs:
                string probs = Probabilities(g, logits, k);
                Publish(g, nhwc ? Transpose(g, probs) : probs, ProbsOutput);
                g.Graph.Output.Add(OnnxGraphBuilder.Value(ProbsOutput, DataType.Float, nhwc ? [batch, h, w, k] : [batch, k, h, w]));
                break;
            case OutputHead.Labels:
                Labels(g, logits, contract);
                g.Graph.Output.Add(OnnxGraphBuilder.Value(LabelsOutput, DataType.Uint8, [batch, h, w]));
                g.Graph.Output.Add(OnnxGraphBuilder.Value(ForegroundOutput, DataType.Float, [batch, h, w]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(contract), contract.Head, "unknown head");
        }
    }

    /// <summary>N×H×W×C → N×C×H×W at the input of an NHWC graph.</summary>
    public static string FromNhwc(OnnxGraphBuilder g, string input) => g.Node("Transpose", [input], Ints("perm", 0, 3, 1, 2));

    private static string Transpose(OnnxGraphBuilder g, string x) => g.Node("Transpose", [x], Ints("perm", 0, 2, 3, 1));

    private static string Probabilities(OnnxGraphBuilder g, string logits, int k) =>
        k == 1 ? g.Node("Sigmoid", [logits]) : g.Node("Softmax", [logits], Int("axis", 1));

    private static void Labels(OnnxGraphBuilder g, string logits, ModelContract contract)
    {
        string axis1 = g.Initializer("axis_1", [1L], 1);
        if (contract.IsBinary)
        {
            // Heads.Decode: p = sigmoid(logits).squeeze(1); labels = p > threshold (compared in float32, as torch does).
            string p = g.Node("Squeeze", [g.Node("Sigmoid", [logits]), axis1]);
            string threshold = g.Initializer("threshold", [(float)contract.Threshold]);
            string above = g.Node("Greater", [p, threshold]);
            Publish(g, g.Node("Cast", [above], Int("to", (long)DataType.Uint8)), LabelsOutput);
            g.Graph.Node.Add(Identity(p, ForegroundOutput));
            return;
        }
        // softmax, argmax over classes; foreground = 1 − P(background).
        string soft = g.Node("Softmax", [logits], Int("axis", 1));
        string ids = g.Node("ArgMax", [soft], Int("axis", 1), Int("keepdims", 0));
        Publish(g, g.Node("Cast", [ids], Int("to", (long)DataType.Uint8)), LabelsOutput);
        string zero = g.Initializer("zero", [0L], 1);
        string background = g.Node("Squeeze", [g.Node("Slice", [soft, zero, axis1, axis1]), axis1]);
        string one = g.Initializer("one", [1f]);
        Publish(g, g.Node("Sub", [one, background]), ForegroundOutput);
    }

    /// <summary>The last node's output becomes the graph output <paramref name="name"/>.</summary>
    private static void Publish(OnnxGraphBuilder g, string value, string name)
    {
        if (g.Graph.Node[^1].Output.Contains(value)) g.RenameLastOutput(value, name);
        else g.Graph.Node.Add(Identity(value, name)); // the value is a graph input or an earlier node's
    }

    private static global::Onnx.NodeProto Identity(string input, string output)
    {
        var n = new global::Onnx.NodeProto { OpType = "Identity", Name = "identity_" + output };
        n.Input.Add(input);
        n.Output.Add(output);
        return n;
    }
}
