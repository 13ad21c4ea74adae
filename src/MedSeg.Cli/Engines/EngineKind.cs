namespace MedSeg.Cli.Engines;

/// <summary>--engine: which implementation of ISegmentationEngine runs the model.</summary>
public enum EngineKind
{
    /// <summary>ONNX Runtime where it is faster for this model on this machine (measured once, cached).</summary>
    Auto,
    /// <summary>TorchSharp (a .ckpt only).</summary>
    Torch,
    /// <summary>ONNX Runtime (a .onnx, or a .ckpt exported in memory).</summary>
    Onnx,
}
