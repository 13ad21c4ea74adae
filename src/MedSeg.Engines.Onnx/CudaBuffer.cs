using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// Pinned host staging (cudaMallocHost: DMA without a bounce copy) plus device memory that the
/// session is bound to; copies run asynchronously on the engine's stream, the same stream the
/// CUDA provider computes on (user_compute_stream), so copy → run → copy stay in order without
/// a device-wide synchronisation, and a fixed device address lets the provider replay a CUDA graph.
/// </summary>
internal sealed class CudaBuffer : ITensorBuffer
{
    private readonly IntPtr _host, _device, _stream;
    private readonly OrtMemoryInfo _deviceInfo;
    private bool _disposed;

    public CudaBuffer(long bytes, int deviceId, IntPtr stream)
    {
        Bytes = bytes;
        _stream = stream;
        _host = CudaRuntime.AllocPinned(bytes);
        _device = CudaRuntime.AllocDevice(bytes);
        _deviceInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, deviceId, OrtMemType.Default);
    }

    public long Bytes { get; }

    public unsafe Span<T> Host<T>(int count) where T : unmanaged
    {
        if ((long)count * sizeof(T) > Bytes) throw new ArgumentOutOfRangeException(nameof(count));
        return new Span<T>((void*)_host, count);
    }

    public OrtValue Tensor(TensorElementType type, int elementSize, long[] shape) => Over(_deviceInfo, _device, Bytes, type, elementSize, shape);

    public void Upload(long bytes) => CudaRuntime.CopyAsync(_device, _host, bytes, CudaRuntime.HostToDevice, _stream);

    public void Download(long bytes) => CudaRuntime.CopyAsync(_host, _device, bytes, CudaRuntime.DeviceToHost, _stream);

    /// <summary>A tensor of <paramref name="shape"/> over memory the caller owns.</summary>
    public static OrtValue Over(OrtMemoryInfo info, IntPtr pointer, long capacity, TensorElementType type, int elementSize, long[] shape)
    {
        long bytes = shape.Aggregate(1L, static (a, d) => a * d) * elementSize;
        if (bytes > capacity) throw new ArgumentOutOfRangeException(nameof(shape), $"{bytes} bytes exceed the buffer's {capacity}");
        return OrtValue.CreateTensorValueWithData(info, type, shape, pointer, bytes);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        CudaRuntime.FreeDevice(_device);
        CudaRuntime.FreePinned(_host);
        _deviceInfo.Dispose();
    }
}
