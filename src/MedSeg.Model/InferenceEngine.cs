using System.Runtime.InteropServices;
using MedSeg.Core.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Streaming inference for one checkpoint: built from the checkpoint alone, batch norm folded,
/// warmed up before the first frame, run under inference mode, with staging tensors reused so a
/// steady stream allocates next to nothing on the managed heap.
/// </summary>
/// <remarks>
/// CUDA path: two pinned host staging tensors are used in turn and uploads are non_blocking, so
/// the host can fill batch k+1 while the GPU still reads batch k (double buffering). TorchSharp
/// 0.107 has no CUDA stream API, so copy and compute share the default stream; the design is one
/// engine per stream once streams are exposed. On the CPU the staging tensor is the input itself.
/// Not thread-safe: the inference stage owns it.
/// </remarks>
public sealed class InferenceEngine : ISegmentationEngine
{
    private readonly UNet _model;
    private readonly Device _device;
    private readonly double _threshold;
    private readonly int _c, _h, _w;
    private readonly Tensor[] _staging;     // host (pinned on CUDA) [MaxBatch, C, H, W]
    private readonly Tensor? _deviceInput;  // CUDA only
    private readonly bool _binary;
    private int _next;

    public InferenceEngine(UNet model, CheckpointInfo info, InferenceEngineOptions options)
    {
        options.Validate();
        _device = TorchDevice.Select(options.Device, options.Threads);
        _model = options.FoldBatchNorm && model.Options.BatchNorm ? BatchNormFolding.Fold(model) : model;
        _model.to(_device);
        _model.eval();
        _threshold = options.Threshold ?? info.Threshold;
        _binary = model.Options.IsBinary;
        (_c, _h, _w) = (info.Preprocess.Channels, info.Preprocess.Height, info.Preprocess.Width);
        MaxBatch = options.MaxBatch;
        Info = info;
        bool cuda = _device.type == DeviceType.CUDA;
        long[] shape = [MaxBatch, _c, _h, _w];
        _staging = cuda
            ? [empty(shape, ScalarType.Float32).pin_memory(), empty(shape, ScalarType.Float32).pin_memory()]
            : [zeros(shape, ScalarType.Float32)];
        _deviceInput = cuda ? empty(shape, ScalarType.Float32, _device) : null;
        Description = new EngineDescription(info.Model.Describe(), _device.ToString(), _c, _h, _w, info.Model.ClassNames,
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
    public int MaxBatch { get; }

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int frameIn = _c * _h * _w, plane = _h * _w;
        if (input.Length < batch * frameIn) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (labels.Length < batch * plane) throw new ArgumentException($"labels need {batch * plane} bytes", nameof(labels));
        bool wantFg = !foreground.IsEmpty;
        if (wantFg && foreground.Length < batch * plane) throw new ArgumentException($"foreground needs {batch * plane} floats", nameof(foreground));

        var staging = _staging[_next];
        _next = (_next + 1) % _staging.Length;
        // `bytes` spans the whole (contiguous, offset-0) staging storage; narrow() below views its first `batch` rows.
        input[..(batch * frameIn)].CopyTo(MemoryMarshal.Cast<byte, float>(staging.bytes));

        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = staging.narrow(0, 0, batch);
        if (_deviceInput is not null)
        {
            var dst = _deviceInput.narrow(0, 0, batch);
            dst.copy_(x, true); // non_blocking: the pinned source makes this an async upload
            x = dst;
        }
        var logits = _model.forward(x);
        var (ids, fg) = Heads.Decode(logits, _threshold);
        var idsHost = ids.cpu().contiguous();
        idsHost.bytes[..(batch * plane)].CopyTo(labels);
        if (wantFg)
        {
            var fgHost = fg.cpu().contiguous();
            MemoryMarshal.Cast<byte, float>(fgHost.bytes)[..(batch * plane)].CopyTo(foreground);
        }
    }

    private void RunWarmup()
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = _staging[0];
        if (_deviceInput is not null) x = _deviceInput;
        _ = Heads.Decode(_model.forward(x), _threshold);
        if (_device.type == DeviceType.CUDA) cuda.synchronize(_device);
    }

    public void Dispose()
    {
        foreach (var s in _staging) s.Dispose();
        _deviceInput?.Dispose();
        _model.Dispose();
    }
}
