using BenchmarkDotNet.Attributes;
using MedSeg.Engines.Torch;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Benchmarks;

/// <summary>
/// One <see cref="InferenceEngine.Infer"/> call (forward + head + copy-out) of the default model's
/// shape (base 16, depth 4) at 128×128, batch 1: the TorchScript forward against the eager one.
/// The allocated column is the point: eager TorchSharp allocates a managed Tensor per op.
/// </summary>
public class EngineBenchmarks
{
    private InferenceEngine _engine = null!;
    private float[] _input = null!;
    private byte[] _labels = null!;
    private float[] _foreground = null!;

    [Params(true, false)]
    public bool Scripted { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(1);
        var net = new UNet(new UNetOptions { BaseWidth = 16, Depth = 4 });
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 128, Height = 128 } };
        _engine = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 1, Warmup = 3, Scripted = Scripted });
        var rng = new Random(1);
        _input = [.. Enumerable.Range(0, 128 * 128).Select(_ => (float)rng.NextDouble())];
        _labels = new byte[128 * 128];
        _foreground = new float[128 * 128];
    }

    [Benchmark]
    public void Infer() => _engine.Infer(_input, 1, _labels, _foreground);

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();
}
