using MedSeg.Model;

namespace MedSeg.Engines.Torch;

/// <summary>How the streaming engine runs a checkpoint.</summary>
public sealed record InferenceEngineOptions
{
    /// <summary>auto | cpu | cuda[:N]; resolved once by <see cref="TorchDevice.Select"/>.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Largest batch; staging buffers are sized for it and warm-up runs at it.</summary>
    public int MaxBatch { get; init; } = 8;
    /// <summary>Fold batch norm into the convolutions (same outputs, one pass less per block).</summary>
    public bool FoldBatchNorm { get; init; } = true;
    /// <summary>
    /// Run the network as one TorchScript call (<see cref="ScriptedUNet"/>): same outputs, a little
    /// faster, and ~0.8 KB of managed garbage per call instead of ~15 KB. Needs a model without
    /// batch norm, i.e. <see cref="FoldBatchNorm"/> or a model trained without it; otherwise eager.
    /// </summary>
    public bool Scripted { get; init; } = true;
    /// <summary>Forward passes run before the first frame, so allocator and kernel choices are settled.</summary>
    public int Warmup { get; init; } = 2;
    /// <summary>Torch intra-op threads; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Overrides the checkpoint's probability threshold for binary heads.</summary>
    public double? Threshold { get; init; }

    /// <summary>
    /// Run the network in bfloat16: weights and input converted once, convolutions in bf16 (oneDNN
    /// uses AVX512_BF16 / AMX where the CPU has them and emulates, slower than fp32, where it has
    /// not), the logits cast back to fp32 before the sigmoid / softmax and the threshold. Whether it
    /// is offered is the caller's to decide (the CLI asks <c>CpuBf16Probe</c>); the engine runs it anywhere.
    /// </summary>
    public bool BFloat16 { get; init; }

    /// <summary>Run at Window × Window instead of the checkpoint's input size: the inner engine of a sliding-window tiler.</summary>
    public int? Window { get; init; }

    public InferenceEngineOptions Validate()
    {
        if (Window is < 1) throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be ≥ 1");
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "must be ≥ 0");
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        return this;
    }
}
