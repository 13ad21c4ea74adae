using System.Runtime.InteropServices;
using MedSeg.Core.Inference;
using MedSeg.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch;

/// <summary>
/// Streaming inference for one checkpoint: built from the checkpoint alone, batch norm folded,
/// warmed up before the first frame, run under inference mode, with staging tensors reused so a
/// steady stream allocates next to nothing on the managed heap.
/// </summary>
/// <remarks>
/// CUDA path: two pinned host staging tensors are used in turn and uploads are non_blocking, so
/// the host can fill batch k+1 while the GPU still reads batch k (double buffering). TorchSharp
/// 0.107 has no CUDA stream API, so copy and compute share the default stream; the design is one
/// engine per stream once streams are exposed. On the CPU the staging tensor is the input itself,
/// except in bf16 (<see cref="InferenceEngineOptions.BFloat16"/>): the float frames are staged as
/// they come and converted into a preallocated bf16 input (one copy_, no allocation), and the
/// logits are cast back to fp32 before the head, so labels and probabilities keep the fp32 contract.
/// Not thread-safe: the inference stage owns it.
/// </remarks>
public sealed class InferenceEngine : IProbabilityEngine
{
    private readonly UNet _model;
    private readonly Device _device;
    private readonly double _threshold;
    private readonly int _c, _h, _w;
    private readonly Tensor[] _staging;     // host (pinned on CUDA) [MaxBatch, C, H, W]
    private readonly Tensor? _networkInput; // CUDA or bf16: the network's own input, filled from the staging tensor
    private readonly ScriptedUNet? _script;
    // Views of the first `batch` rows (per staging buffer; the device input on CUDA) and, when
    // scripted, the argument lists: made on first use so a steady stream allocates none per call.
    private readonly Tensor?[][] _stagingViews;
    private readonly Tensor?[] _deviceViews;
    private readonly object[]?[][] _scriptArgs;
    private int _next;

    public InferenceEngine(UNet model, CheckpointInfo info, InferenceEngineOptions options)
    {
        options.Validate();
        _device = TorchDevice.Select(options.Device, options.Threads);
        _model = options.FoldBatchNorm && model.Options.BatchNorm ? BatchNormFolding.Fold(model) : model;
        // bf16 converts the weights in place: on a copy, so the caller's model (perhaps another engine's) stays fp32.
        if (options.BFloat16) _model = (ReferenceEquals(_model, model) ? Copy(model) : _model).to(ScalarType.BFloat16);
        IsBFloat16 = options.BFloat16;
        _model.to(_device);
        _model.eval();
        _threshold = options.Threshold ?? info.Threshold;
        // A tiler feeds windows: the network (fully convolutional) runs at the window's size.
        if (options.Window is { } window) info = info with { Preprocess = info.Preprocess with { Width = window, Height = window } };
        (_c, _h, _w) = (info.Preprocess.Channels, info.Preprocess.Height, info.Preprocess.Width);
        MaxBatch = options.MaxBatch;
        Info = info;
        Contract = CheckpointContract.From(info, _threshold);
        bool cuda = _device.type == DeviceType.CUDA;
        long[] shape = [MaxBatch, _c, _h, _w];
        _staging = cuda
            ? [empty(shape, ScalarType.Float32).pin_memory(), empty(shape, ScalarType.Float32).pin_memory()]
            : [zeros(shape, ScalarType.Float32)];
        _networkInput = cuda || IsBFloat16 ? empty(shape, IsBFloat16 ? ScalarType.BFloat16 : ScalarType.Float32, _device) : null;
        _script = options.Scripted && !_model.Options.BatchNorm ? new ScriptedUNet(_model) : null;
        _stagingViews = [.. _staging.Select(_ => new Tensor?[MaxBatch + 1])];
        _deviceViews = new Tensor?[MaxBatch + 1];
        _scriptArgs = [.. _staging.Select(_ => new object[]?[MaxBatch + 1])];
        Description = new EngineDescription(info.Model.Describe(), IsBFloat16 ? $"{_device} (bf16)" : _device.ToString(), _c, _h, _w, info.Model.ClassNames,
                                            ModelFlops.GflopPerFrame(info.Model, _h, _w));
        for (int i = 0; i < options.Warmup; i++) RunWarmup();
    }

    public static InferenceEngine Load(string checkpoint, InferenceEngineOptions options)
    {
        var (model, info) = Checkpoint.Load(checkpoint);
        var engine = new InferenceEngine(model, info, options);
        // The engine runs a folded copy; the loaded original is no longer needed.
        if (!ReferenceEquals(engine._model, model)) model.Dispose();
        return engine;
    }

    public EngineDescription Description { get; }
    public CheckpointInfo Info { get; }
    public ModelContract Contract { get; }
    public int MaxBatch { get; }

    /// <summary>True when the forward pass runs as one TorchScript call (<see cref="InferenceEngineOptions.Scripted"/>).</summary>
    public bool IsScripted => _script is not null;

    /// <summary>True when the network runs in bfloat16 (<see cref="InferenceEngineOptions.BFloat16"/>).</summary>
    public bool IsBFloat16 { get; }

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int frameIn = _c * _h * _w, plane = _h * _w;
        if (input.Length < batch * frameIn) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (labels.Length < batch * plane) throw new ArgumentException($"labels need {batch * plane} bytes", nameof(labels));
        bool wantFg = !foreground.IsEmpty;
        if (wantFg && foreground.Length < batch * plane) throw new ArgumentException($"foreground needs {batch * plane} floats", nameof(foreground));

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var (x, slot) = Stage(input, batch);
        var (ids, fg) = _script is not null
            ? _script.Run(_scriptArgs[slot][batch] ??= _script.Arguments(x, _threshold))
            : Heads.Decode(Logits(x), _threshold);
        if (_device.type != DeviceType.CPU)
        {
            ids = ids.cpu();
            if (wantFg) fg = fg.cpu();
        }
        // Both heads return fresh contiguous tensors, so `bytes` is exactly batch × plane elements.
        ids.bytes[..(batch * plane)].CopyTo(labels);
        if (wantFg) MemoryMarshal.Cast<byte, float>(fg.bytes)[..(batch * plane)].CopyTo(foreground);
    }

    /// <summary>Class probabilities for evaluation: the module forward (never the script, which ends in labels) and the head's sigmoid / softmax.</summary>
    public void InferProbabilities(ReadOnlySpan<float> input, int batch, Span<float> probabilities)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int count = batch * Contract.OutputChannels * _h * _w;
        if (input.Length < batch * _c * _h * _w) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (probabilities.Length < count) throw new ArgumentException($"probabilities need {count} floats", nameof(probabilities));
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var p = Heads.Probabilities(Logits(Stage(input, batch).Input)).contiguous();
        if (_device.type != DeviceType.CPU) p = p.cpu();
        MemoryMarshal.Cast<byte, float>(p.bytes)[..count].CopyTo(probabilities);
    }

    /// <summary>Copies the frames into the next staging buffer (and, on CUDA, starts the upload); returns the network's input.</summary>
    private (Tensor Input, int Slot) Stage(ReadOnlySpan<float> input, int batch)
    {
        int slot = _next;
        var staging = _staging[slot];
        _next = (_next + 1) % _staging.Length;
        // `bytes` spans the whole (contiguous, offset-0) staging storage; the view below covers its first `batch` rows.
        input[..(batch * _c * _h * _w)].CopyTo(MemoryMarshal.Cast<byte, float>(staging.bytes));
        var x = View(_stagingViews[slot], staging, batch);
        if (_networkInput is null) return (x, slot);
        var device = View(_deviceViews, _networkInput, batch);
        // On CUDA non_blocking makes this an async upload (pinned source); in bf16 it also converts.
        device.copy_(x, _device.type == DeviceType.CUDA);
        return (device, slot);
    }

    /// <summary>The eager forward's logits in fp32 (bf16 logits cast back, so the head computes as in fp32).</summary>
    private Tensor Logits(Tensor x)
    {
        var logits = _model.forward(x);
        return IsBFloat16 ? logits.to_type(ScalarType.Float32) : logits;
    }

    /// <summary>A fresh model with <paramref name="model"/>'s weights and buffers.</summary>
    private static UNet Copy(UNet model)
    {
        var copy = new UNet(model.Options);
        var source = model.state_dict();
        using (no_grad())
            foreach (var (name, t) in copy.state_dict()) t.copy_(source[name]);
        copy.eval();
        return copy;
    }

    /// <summary>The first <paramref name="batch"/> rows of <paramref name="full"/>, cached in <paramref name="cache"/>.</summary>
    private static Tensor View(Tensor?[] cache, Tensor full, int batch) =>
        // Detached from Infer's dispose scope: the views live as long as the engine.
        cache[batch] ??= full.narrow(0, 0, batch).DetachFromDisposeScope();

    private void RunWarmup()
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = _networkInput ?? _staging[0];
        _ = _script is not null ? _script.Run(_script.Arguments(x, _threshold)) : Heads.Decode(Logits(x), _threshold);
        if (_device.type == DeviceType.CUDA) cuda.synchronize(_device);
    }

    public void Dispose()
    {
        foreach (var v in _stagingViews.SelectMany(static views => views).Concat(_deviceViews)) v?.Dispose();
        _script?.Dispose();
        foreach (var s in _staging) s.Dispose();
        _networkInput?.Dispose();
        _model.Dispose();
    }
}
