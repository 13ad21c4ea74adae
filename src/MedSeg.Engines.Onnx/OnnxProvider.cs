namespace MedSeg.Engines.Onnx;

/// <summary>The ONNX Runtime execution provider an engine runs on.</summary>
public enum OnnxProvider
{
    Cpu,
    /// <summary>CUDA EP (needs the gpu-linux build, <c>-p:OnnxBackend=gpu-linux</c>).</summary>
    Cuda,
    /// <summary>TensorRT EP with FP16 and an engine cache, CUDA for what TensorRT does not take.</summary>
    TensorRt,
}
