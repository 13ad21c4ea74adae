using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Engines.Onnx;
using MedSeg.Engines.Torch;
using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Cli.Engines;

/// <summary>
/// The one place a command turns --model / --engine / --device into an <see cref="ISegmentationEngine"/>:
/// a .onnx runs on ONNX Runtime; a .ckpt on TorchSharp, or on ONNX Runtime exported in memory
/// (batch norm folded, labels head in the graph), or — for auto — on whichever
/// <see cref="EngineChooser"/> measured faster for this model on this machine.
/// </summary>
public static class EngineFactory
{
    public static ISegmentationEngine Create(EngineRequest request, Action<string>? say = null)
    {
        request.Validate();
        PrecisionSupport.Check(request);
        say ??= static _ => { };
        if (request.IsOnnxFile)
        {
            if (request.Engine == EngineKind.Torch) throw new ArgumentException($"--engine torch runs a .ckpt; {request.Model} is an ONNX model (use --engine onnx or auto)");
            return OnnxEngine.Load(request.Model, OnnxOptions(request));
        }
        return request.Engine switch
        {
            EngineKind.Torch => Torch(request),
            EngineKind.Onnx => OnnxFromCheckpoint(request, say),
            // Nothing to measure: only ONNX Runtime runs the int8 graph.
            _ when request.Precision == EnginePrecision.Int8 => Say(say, "engine: onnx (--precision int8 runs on ONNX Runtime only)", () => OnnxFromCheckpoint(request, say)),
            _ when request.Precision == EnginePrecision.Bf16 => Say(say, "engine: torch (--precision bf16 runs on the TorchSharp engine: ONNX Runtime's CPU provider has no bf16 kernels)",
                                                                    () => Torch(request)),
            _ => EngineChooser.Choose(request, Torch, OnnxFromCheckpoint, say),
        };
    }

    public static ISegmentationEngine Torch(EngineRequest r) => InferenceEngine.Load(r.Model, new InferenceEngineOptions
    {
        Device = r.Device is "tensorrt" || r.Device.StartsWith("tensorrt:", StringComparison.Ordinal)
            ? throw new ArgumentException("--device tensorrt needs --engine onnx")
            : r.Device,
        Threads = r.Threads, MaxBatch = r.MaxBatch, Threshold = r.Threshold, Window = r.Window,
        BFloat16 = r.Precision == EnginePrecision.Bf16,
    });

    /// <summary>
    /// The checkpoint exported in memory and run by ONNX Runtime: a labels head with the threshold
    /// baked in for streaming, a probs head for a tiler's windows or when evaluation asks for probabilities.
    /// </summary>
    public static ISegmentationEngine OnnxFromCheckpoint(EngineRequest r) => OnnxFromCheckpoint(r, null);

    /// <summary>As above; --precision int8 quantizes the export in memory, calibrated on training images.</summary>
    public static ISegmentationEngine OnnxFromCheckpoint(EngineRequest r, Action<string>? say)
    {
        var proto = UNetOnnxExporter.ExportCheckpoint(r.Model, new OnnxExportOptions
        {
            Head = r.Window is null && !r.Probabilities ? OutputHead.Labels : OutputHead.Probs, DynamicBatch = r.MaxBatch > 1, Threshold = r.Threshold, Window = r.Window,
        });
        if (r.Precision == EnginePrecision.Int8) proto = Int8Export.Quantize(proto, r.Model, r.Calibration, TensorLayout.Nchw, say: say);
        return OnnxEngine.FromBytes(proto.ToByteArray(), OnnxOptions(r) with { Threshold = r.Probabilities ? r.Threshold : null }, r.Model);
    }

    private static ISegmentationEngine Say(Action<string> say, string message, Func<ISegmentationEngine> create)
    {
        say(message);
        return create();
    }

    private static OnnxEngineOptions OnnxOptions(EngineRequest r)
    {
        var (provider, id) = Provider(r.Device);
        return new OnnxEngineOptions { Provider = provider, DeviceId = id, Threads = r.Threads, MaxBatch = r.MaxBatch, Threshold = r.Threshold, Spinning = r.Spinning };
    }

    /// <summary>auto and cpu run on the CPU provider (a GPU is asked for by name: it needs the gpu-linux build).</summary>
    private static (OnnxProvider Provider, int DeviceId) Provider(string device)
    {
        var parts = device.ToLowerInvariant().Split(':', 2);
        int id = parts.Length == 2 && int.TryParse(parts[1], out int n) && n >= 0 ? n
                 : parts.Length == 2 ? throw new ArgumentException($"--device '{device}': expected NAME or NAME:N") : 0;
        return parts[0] switch
        {
            "auto" or "cpu" => (OnnxProvider.Cpu, 0),
            "cuda" => (OnnxProvider.Cuda, id),
            "tensorrt" or "trt" => (OnnxProvider.TensorRt, id),
            _ => throw new ArgumentException($"--device '{device}': use auto, cpu, cuda[:N] or tensorrt[:N]"),
        };
    }
}
