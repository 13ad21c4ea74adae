using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// Memory one bound tensor lives in, with a host side the engine reads and writes: on the CPU one
/// native block (host and bound are the same); on CUDA pinned host staging plus device memory,
/// copied on the engine's own stream.
/// </summary>
internal interface ITensorBuffer : IDisposable
{
    long Bytes { get; }

    /// <summary>The host side, <paramref name="count"/> elements from the start.</summary>
    Span<T> Host<T>(int count) where T : unmanaged;

    /// <summary>An OrtValue of <paramref name="shape"/> over the bound side (made once, disposed by the caller).</summary>
    OrtValue Tensor(TensorElementType type, int elementSize, long[] shape);

    /// <summary>Host → bound, <paramref name="bytes"/> from the start (asynchronous on CUDA; nothing on the CPU).</summary>
    void Upload(long bytes);

    /// <summary>Bound → host (asynchronous on CUDA until <see cref="CudaStream.Synchronize"/>; nothing on the CPU).</summary>
    void Download(long bytes);
}
