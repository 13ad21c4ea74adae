using MedSeg.Engines.Onnx;

namespace MedSeg.Cli.Engines;

/// <summary>What a command asks <see cref="EngineFactory"/> for: the model and how to run it.</summary>
public sealed record EngineRequest
{
    /// <summary>A .ckpt (either engine) or a .onnx (ONNX Runtime).</summary>
    public required string Model { get; init; }
    public EngineKind Engine { get; init; } = EngineKind.Auto;
    /// <summary>auto | cpu | cuda[:N] (TorchSharp; ONNX Runtime's CUDA provider) | tensorrt[:N] (ONNX Runtime only).</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Intra-op threads of either runtime; 0 = the runtime's default.</summary>
    public int Threads { get; init; }
    public int MaxBatch { get; init; } = 8;
    public double? Threshold { get; init; }
    /// <summary>ONNX Runtime's intra-op spinning (2+ threads); the TorchSharp engine ignores it.</summary>
    public OnnxSpinning Spinning { get; init; } = new OnnxEngineOptions().Spinning;
    /// <summary>Evaluation: the engine must also give class probabilities (a checkpoint exported to ONNX gets a probs head, not labels).</summary>
    public bool Probabilities { get; init; }
    /// <summary>fp32 (default) | int8 (ONNX Runtime, quantized in memory) | bf16 (TorchSharp, CPUs with native bf16); what runs where: <see cref="PrecisionSupport"/>.</summary>
    public EnginePrecision Precision { get; init; } = EnginePrecision.Fp32;
    /// <summary>int8: the data spec whose images calibrate it; null: the checkpoint's training data.</summary>
    public string? Calibration { get; init; }
    /// <summary>Build the engine for Window² input (the inner engine of a sliding-window tiler); null: the checkpoint's input.</summary>
    public int? Window { get; init; }

    public EngineRequest Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("--model is required");
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        if (Window is < 1) throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be ≥ 1");
        if (Window is not null && IsOnnxFile) throw new ArgumentException($"{Model}: an .onnx graph has a fixed input size; windows need the checkpoint");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be ≥ 0");
        return this;
    }

    public bool IsOnnxFile => Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
}
