using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MedSeg.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project bench/MedSeg.Benchmarks -- --filter '*'` (BenchmarkDotNet's own
/// command line: --filter, --list flat, …). Results land in BenchmarkDotNet.Artifacts/. Leave out
/// --job: a job named there runs out of process, where libtorch cannot load (its row shows NA).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // In-process: libtorch and OpenCV's native libraries sit next to this build's output, patched
        // where the TorchSharp fix applies; a separately generated and built project would not have them.
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
