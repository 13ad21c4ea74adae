using System.Diagnostics;
using MedSeg.Core.Timing;
using MedSeg.Engines.Torch;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;

namespace MedSeg.Cli.Bench;

/// <summary>One engine measurement: a model at one input size and batch size.</summary>
public sealed record EngineCell(
    int Size, int Batch, LatencySummary PerBatch, double PerFrameMs, double FramesPerSecond,
    double GflopPerFrame, double AchievedGflops, double FractionOfMatmul);

/// <summary>
/// The inference engine alone (no pipeline): forward passes over a fixed random batch, after
/// warm-up, timed one call at a time on the monotonic clock.
/// </summary>
public static class EngineBenchmark
{
    /// <param name="engineOptions">Device, threads and scripted/eager; batch and warm-up are set here.</param>
    public static EngineCell Run(UNetOptions model, int size, int batch, int iterations, int warmup,
                                 double matmulGflops, InferenceEngineOptions engineOptions)
    {
        using var net = new UNet(model);
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = size, Height = size } };
        using var engine = new InferenceEngine(net, info, engineOptions with { MaxBatch = batch, Warmup = warmup });
        var rng = new Random(1);
        var input = new float[batch * model.InChannels * size * size];
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
        var labels = new byte[batch * size * size];
        var fg = new float[batch * size * size];
        var series = new LatencySeries($"engine {size}x{size} b{batch}", iterations);
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            engine.Infer(input, batch, labels, fg);
            series.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        var s = series.Summarize();
        double perFrame = s.Median / batch;
        double gflop = engine.Description.GflopPerFrame;
        double achieved = gflop / (perFrame / 1000.0);
        return new EngineCell(size, batch, s, perFrame, 1000.0 / perFrame, gflop, achieved, achieved / matmulGflops);
    }
}
