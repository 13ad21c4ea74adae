using System.Runtime.InteropServices;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// The few CUDA runtime calls the GPU path needs (streams, pinned and device memory, async
/// copies), from the libcudart that the gpu-linux ONNX Runtime build requires anyway. Only
/// called when a CUDA or TensorRT provider is asked for.
/// </summary>
internal static partial class CudaRuntime
{
    private const string Lib = "libcudart.so.12";
    public const int HostToDevice = 1, DeviceToHost = 2;
    private const uint StreamNonBlocking = 1;

    [LibraryImport(Lib)] private static partial int cudaStreamCreateWithFlags(out IntPtr stream, uint flags);
    [LibraryImport(Lib)] private static partial int cudaStreamDestroy(IntPtr stream);
    [LibraryImport(Lib)] private static partial int cudaStreamSynchronize(IntPtr stream);
    [LibraryImport(Lib)] private static partial int cudaMallocHost(out IntPtr ptr, nuint size);
    [LibraryImport(Lib)] private static partial int cudaFreeHost(IntPtr ptr);
    [LibraryImport(Lib)] private static partial int cudaMalloc(out IntPtr ptr, nuint size);
    [LibraryImport(Lib)] private static partial int cudaFree(IntPtr ptr);
    [LibraryImport(Lib)] private static partial int cudaSetDevice(int device);
    [LibraryImport(Lib)] private static partial int cudaMemcpyAsync(IntPtr dst, IntPtr src, nuint count, int kind, IntPtr stream);
    [LibraryImport(Lib)] private static partial int cudaEventCreateWithFlags(out IntPtr e, uint flags);
    [LibraryImport(Lib)] private static partial int cudaEventDestroy(IntPtr e);
    [LibraryImport(Lib)] private static partial int cudaEventRecord(IntPtr e, IntPtr stream);
    [LibraryImport(Lib)] private static partial int cudaStreamWaitEvent(IntPtr stream, IntPtr e, uint flags);
    private const uint EventDisableTiming = 2;

    /// <summary>A non-blocking stream: it does not wait on the legacy default stream, so engines do not serialise.</summary>
    public static IntPtr CreateStream(int device)
    {
        Check(cudaSetDevice(device), "cudaSetDevice");
        Check(cudaStreamCreateWithFlags(out var s, StreamNonBlocking), "cudaStreamCreateWithFlags");
        return s;
    }

    public static void DestroyStream(IntPtr s) => cudaStreamDestroy(s);
    public static void Synchronize(IntPtr s) => Check(cudaStreamSynchronize(s), "cudaStreamSynchronize");
    public static IntPtr AllocPinned(long bytes) => Check(cudaMallocHost(out var p, (nuint)bytes), "cudaMallocHost", p);
    public static void FreePinned(IntPtr p) => cudaFreeHost(p);
    public static IntPtr AllocDevice(long bytes) => Check(cudaMalloc(out var p, (nuint)bytes), "cudaMalloc", p);
    public static void FreeDevice(IntPtr p) => cudaFree(p);
    public static void CopyAsync(IntPtr dst, IntPtr src, long bytes, int kind, IntPtr stream) =>
        Check(cudaMemcpyAsync(dst, src, (nuint)bytes, kind, stream), "cudaMemcpyAsync");

    /// <summary>An event for ordering two streams (no timing: cheaper to record and wait on).</summary>
    public static IntPtr CreateEvent() => Check(cudaEventCreateWithFlags(out var e, EventDisableTiming), "cudaEventCreateWithFlags", e);
    public static void DestroyEvent(IntPtr e) => cudaEventDestroy(e);
    public static void Record(IntPtr e, IntPtr stream) => Check(cudaEventRecord(e, stream), "cudaEventRecord");
    /// <summary>Work queued on <paramref name="stream"/> after this waits for <paramref name="e"/> on the device; the host does not block.</summary>
    public static void StreamWait(IntPtr stream, IntPtr e) => Check(cudaStreamWaitEvent(stream, e, 0), "cudaStreamWaitEvent");

    private static void Check(int status, string call) => Check(status, call, IntPtr.Zero);

    private static IntPtr Check(int status, string call, IntPtr result) =>
        status == 0 ? result : throw new InvalidOperationException($"{call} failed with CUDA error {status}");
}
