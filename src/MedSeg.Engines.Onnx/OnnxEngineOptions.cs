namespace MedSeg.Engines.Onnx;

/// <summary>How <see cref="OnnxEngine"/> runs a model.</summary>
public sealed record OnnxEngineOptions
{
    public OnnxProvider Provider { get; init; } = OnnxProvider.Cpu;
    /// <summary>CUDA device ordinal for the Cuda and TensorRt providers.</summary>
    public int DeviceId { get; init; }
    /// <summary>Intra-op threads of the session's own pool; 0 keeps ONNX Runtime's default (one per core).</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Intra-op spinning. Default <see cref="OnnxSpinning.DuringRun"/>: a call runs as with ONNX
    /// Runtime's default, without its spinning between frames (README, "Intra-op spinning").
    /// </summary>
    public OnnxSpinning Spinning { get; init; } = OnnxSpinning.DuringRun;
    /// <summary>Largest batch; buffers and bindings are made for every batch size up to it.</summary>
    public int MaxBatch { get; init; } = 8;
    /// <summary>Runs before the first frame, so the arena and kernel choices are settled.</summary>
    public int Warmup { get; init; } = 2;
    /// <summary>Overrides the model's binary threshold (a labels head is re-thresholded from its foreground output).</summary>
    public double? Threshold { get; init; }
    /// <summary>Contract for a model whose metadata lacks one; default: MODEL.onnx.json beside it when present.</summary>
    public string? Sidecar { get; init; }
    /// <summary>Folder of the TensorRT engine cache (TensorRt provider).</summary>
    public string TensorRtCache { get; init; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "medseg", "trt");
    /// <summary>CUDA provider: capture the run as a CUDA graph (fixed shapes only: used when the batch is fixed).</summary>
    public bool CudaGraphs { get; init; } = true;

    public OnnxEngineOptions Validate()
    {
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "must be ≥ 0");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be ≥ 0");
        if (DeviceId < 0) throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "must be ≥ 0");
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        return this;
    }
}
