using MedSeg.Engines.Onnx;

namespace MedSeg.Cli.Bench;

/// <summary>
/// One size × thread count of <c>medseg bench --engines</c>: median batch-1 call of a bare ONNX
/// Runtime session on the exported graph, of the project's ONNX engine (with its default spinning,
/// and by each spinning asked for), of the TorchSharp engine and of its eager forward, measured
/// in interleaved rounds in one process.
/// </summary>
public sealed record EngineComparisonCell(int Size, int Threads, double BareOrtMs, double OnnxMs, double TorchMs, double TorchEagerMs,
                                          IReadOnlyList<SpinningMs> BySpinning)
{
    /// <summary>ONNX engine ÷ bare ONNX Runtime: 1.00 means no cost of the project's code around the session.</summary>
    public double OnnxVsBare => OnnxMs / BareOrtMs;
    /// <summary>TorchSharp engine ÷ ONNX engine: how much faster ONNX Runtime runs this model.</summary>
    public double TorchVsOnnx => TorchMs / OnnxMs;
    /// <summary>Eager module forward ÷ TorchScript forward of the TorchSharp engine.</summary>
    public double EagerVsScripted => TorchEagerMs / TorchMs;
}

/// <summary>The ONNX engine's median call with one intra-op spinning setting.</summary>
public sealed record SpinningMs(OnnxSpinning Spinning, double Ms);
