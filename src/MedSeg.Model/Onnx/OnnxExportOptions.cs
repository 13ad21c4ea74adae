using MedSeg.Core.Inference;

namespace MedSeg.Model.Onnx;

/// <summary>How <see cref="UNetOnnxExporter"/> writes a checkpoint as an ONNX graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Lowest and highest opset whose forms of Squeeze, Slice, Pad and Resize the writer uses (inputs, not attributes).</summary>
    public const int MinOpset = 13, MaxOpset = 20;

    /// <summary>ai.onnx opset; 17 is what ONNX 1.12 (Debian's checker) and every current runtime know.</summary>
    public int Opset { get; init; } = 17;
    /// <summary>Input (and per-class output) memory order; NHWC is what Holoscan's InferenceOp feeds.</summary>
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;
    /// <summary>A symbolic batch dimension "N" instead of <see cref="Batch"/>.</summary>
    public bool DynamicBatch { get; init; }
    /// <summary>The fixed batch size when <see cref="DynamicBatch"/> is off.</summary>
    public int Batch { get; init; } = 1;
    public OutputHead Head { get; init; } = OutputHead.Probs;
    /// <summary>Threshold baked into a binary labels head and written to the metadata; null: the checkpoint's.</summary>
    public double? Threshold { get; init; }

    /// <summary>Write the graph for Window × Window input instead of the checkpoint's input size (the patch a tiler feeds).</summary>
    public int? Window { get; init; }

    public OnnxExportOptions Validate()
    {
        if (Window is < 1) throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be ≥ 1");
        if (Opset is < MinOpset or > MaxOpset) throw new ArgumentOutOfRangeException(nameof(Opset), Opset, $"must be {MinOpset}–{MaxOpset}");
        if (Batch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "must be 1–1024");
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        if (!Enum.IsDefined(Layout)) throw new ArgumentOutOfRangeException(nameof(Layout), Layout, "unknown layout");
        if (!Enum.IsDefined(Head)) throw new ArgumentOutOfRangeException(nameof(Head), Head, "unknown head");
        return this;
    }

    /// <summary>IR version that goes with the opset (IR 8 up to opset 18, IR 9 for 19–20).</summary>
    public long IrVersion => Opset <= 18 ? 8 : 9;
}
