using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>engine</c>: the one model every stream shares.</summary>
public sealed class EngineSection
{
    [YamlMember(Order = 0, Description = "Checkpoint (best.ckpt from `medseg train`)")]
    public string Model { get; set; } = "models/lesion-unet16.ckpt";

    [YamlMember(Order = 1, Description = "Which runtime runs the model: auto (default; the faster for this model on this machine) | torch | onnx")]
    public string Kind { get; set; } = "auto";

    [YamlMember(Order = 2, Description = "auto (default): CUDA when available, else CPU | cpu | cuda[:N]")]
    public string Device { get; set; } = "auto";

    [YamlMember(Order = 3, Description = "Intra-op threads; default: cores - 1, leaving a core to the pipeline's own threads (0 = one per core)")]
    public int Threads { get; set; } = DefaultThreads;

    [YamlMember(Order = 4, Description = "Foreground probability threshold, used by the engine and by postprocessing alike; empty (default): the checkpoint's")]
    public double? Threshold { get; set; }

    [YamlMember(Order = 5, Description = "fp32 (default) | int8: static QDQ graph on ONNX Runtime's CPU provider, calibrated on training images | bf16: TorchSharp engine in bfloat16, on CPUs with native bf16 only (AVX512_BF16 / AMX, arm64 bf16); refused elsewhere, with the reason")]
    public string Precision { get; set; } = "fp32";

    [YamlMember(Order = 6, Description = "int8: data spec whose images calibrate the quantization; empty (default): the checkpoint's training data")]
    public string? Calibration { get; set; }

    [YamlMember(Order = 7, Description = "auto (default): a model trained on patches smaller than its input, or a .onnx whose contract says inference: sliding-window (an export of such a checkpoint, or a foreign patch model's sidecar), runs by Gaussian-weighted sliding windows, as `eval` does | off: whole frames at the input size")]
    public string Tiling { get; set; } = "auto";

    [YamlMember(Order = 8, Description = "ONNX Runtime with 2+ threads: duringrun (default; workers spin only inside a call) | off (never spin: best on a machine shared with other load) | always (ONNX Runtime's default)")]
    public string Spinning { get; set; } = "duringrun";

    /// <summary>Cores − 1 (at least 1): measured on 2 cores, one torch thread leaves the pipeline its own core (README, "One torch thread").</summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount - 1);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("engine.model is empty", "engine.model");
        _ = SpecWords.EngineKind(Kind);
        _ = SpecWords.Precision(Precision);
        _ = SpecWords.Spinning(Spinning);
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("engine.device is empty", "engine.device");
        if (Threads < 0) throw new ArgumentOutOfRangeException("engine.threads", Threads, "must be ≥ 0");
        if (Tiling is not ("auto" or "off")) throw new ArgumentException($"engine.tiling '{Tiling}': use auto or off", "engine.tiling");
        if (Threshold is { } t && !(t > 0 && t < 1)) throw new ArgumentOutOfRangeException("engine.threshold", t, "must be in (0, 1)");
    }
}
