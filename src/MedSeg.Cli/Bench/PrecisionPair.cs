using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Engines.Onnx;
using MedSeg.Engines.Torch;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using MedSeg.Onnx.Quantization;

namespace MedSeg.Cli.Bench;

/// <summary>
/// One checkpoint on one engine twice, fp32 and a reduced precision, batch 1: int8 on the ONNX
/// engine (the export and its QDQ quantization), bf16 on the TorchSharp engine (the same script in
/// bfloat16). Each reduced precision is compared with fp32 on its own engine, so the ratio is the
/// precision's, not the engine's.
/// </summary>
public sealed class PrecisionPair : IDisposable
{
    private PrecisionPair(string precision, string engine, ISegmentationEngine fp32, ISegmentationEngine reduced) =>
        (Precision, Engine, Fp32, Reduced) = (precision, engine, fp32, reduced);

    /// <summary>"int8" or "bf16".</summary>
    public string Precision { get; }
    /// <summary>Which engine both run on, for the report.</summary>
    public string Engine { get; }
    public ISegmentationEngine Fp32 { get; }
    public ISegmentationEngine Reduced { get; }

    /// <summary>The reduced precisions a bench compares, in report order.</summary>
    public static readonly string[] Names = ["int8", "bf16"];

    /// <summary>int8: the fp32 and int8 graphs of <paramref name="graphs"/> on the ONNX engine (CPU provider).</summary>
    public static PrecisionPair Int8((byte[] Fp32, byte[] Int8) graphs, int threads, int warmup) =>
        new("int8", "ONNX engine (CPU provider)",
            OnnxEngine.FromBytes(graphs.Fp32, Onnx(threads, warmup), "fp32.onnx"), OnnxEngine.FromBytes(graphs.Int8, Onnx(threads, warmup), "int8.onnx"));

    /// <summary>bf16: the checkpoint on two TorchSharp engines, fp32 and bf16, at <paramref name="window"/>² (null: its own size).</summary>
    public static PrecisionPair Bf16(string checkpoint, int? window, int threads, int warmup)
    {
        var fp32 = InferenceEngine.Load(checkpoint, Torch(window, threads, warmup, bf16: false));
        try
        {
            // The engine runs bf16 on any CPU (libtorch emulates without native support): the bench measures it either way and says which.
            return new PrecisionPair("bf16", "TorchSharp engine (TorchScript)", fp32, InferenceEngine.Load(checkpoint, Torch(window, threads, warmup, bf16: true)));
        }
        catch
        {
            fp32.Dispose();
            throw;
        }
    }

    /// <summary>The checkpoint as fp32 and int8 labels graphs for <paramref name="info"/>'s input size (calibration resized to it).</summary>
    public static (byte[] Fp32, byte[] Int8) Int8Graphs(UNet model, CheckpointInfo info, string? calibration, Action<string> say)
    {
        var fp32 = UNetOnnxExporter.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels });
        var (frames, source) = CalibrationFrames.Load(calibration, info, TensorLayout.Nchw);
        say($"int8 at {info.Preprocess.Width}×{info.Preprocess.Height}: calibrated on {source}");
        return (fp32.ToByteArray(), QdqQuantizer.Quantize(fp32, frames, calibration: source).ToByteArray());
    }

    private static OnnxEngineOptions Onnx(int threads, int warmup) => new() { Threads = threads, MaxBatch = 1, Warmup = warmup };

    private static InferenceEngineOptions Torch(int? window, int threads, int warmup, bool bf16) =>
        new() { Device = "cpu", Threads = threads, MaxBatch = 1, Warmup = warmup, Window = window, BFloat16 = bf16 };

    public void Dispose()
    {
        Fp32.Dispose();
        Reduced.Dispose();
    }
}
