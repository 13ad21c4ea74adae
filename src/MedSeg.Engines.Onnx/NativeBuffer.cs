using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// A 64-byte-aligned native block that never moves (so ONNX Runtime may keep pointers into it
/// across runs) and tensors over its leading part.
/// </summary>
internal sealed unsafe class NativeBuffer : ITensorBuffer
{
    private void* _ptr;

    public NativeBuffer(long bytes)
    {
        Bytes = bytes;
        _ptr = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(_ptr, (nuint)bytes);
    }

    public long Bytes { get; }
    public IntPtr Pointer => (IntPtr)_ptr;

    public Span<T> Host<T>(int count) where T : unmanaged
    {
        if ((long)count * sizeof(T) > Bytes) throw new ArgumentOutOfRangeException(nameof(count));
        return new Span<T>(_ptr, count);
    }

    /// <summary>An OrtValue of <paramref name="shape"/> over the start of the block (made once, kept by the caller).</summary>
    public OrtValue Tensor(TensorElementType type, int elementSize, long[] shape) =>
        CudaBuffer.Over(OrtMemoryInfo.DefaultInstance, Pointer, Bytes, type, elementSize, shape);

    public void Upload(long bytes) { }

    public void Download(long bytes) { }

    public void Dispose()
    {
        if (_ptr == null) return;
        NativeMemory.AlignedFree(_ptr);
        _ptr = null;
    }
}
