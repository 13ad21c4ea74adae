using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Cli.Bench;

/// <summary>
/// libtorch's float32 matrix-multiply rate on this machine, measured in the same run as the
/// model, so "fraction of peak" compares like with like (same threads, same BLAS, same clocks).
/// </summary>
public static class MatmulRate
{
    public static double MeasureGflops(Device device, int n = 1024, double seconds = 2.0)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var a = randn(n, n, device: device);
        var b = randn(n, n, device: device);
        for (int i = 0; i < 3; i++) a.mm(b).Dispose();
        Sync(device);
        long iterations = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            a.mm(b).Dispose(); // the caching allocator reuses the block, so this is the GEMM alone
            iterations++;
            if (iterations % 8 == 0) Sync(device);
        }
        Sync(device);
        double flops = 2.0 * n * n * n * iterations;
        return flops / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
