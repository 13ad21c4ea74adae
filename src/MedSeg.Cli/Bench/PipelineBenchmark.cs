using System.Globalization;
using MedSeg.Core.Inference;
using MedSeg.Engines.Torch;
using MedSeg.Model;
using MedSeg.Pipeline.Session;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Cli.Bench;

/// <summary>
/// The whole pipeline on a synthetic source with a random-weight model of the benchmarked shape:
/// a steady source at half of what the engine sustains at batch 1 (latency overhead), and a source
/// 4× faster than the model (overload: latency must stay bounded, drops counted).
/// </summary>
public static class PipelineBenchmark
{
    public const int Warmup = 50;

    public sealed record Scenario(string Name, int Size, int MaxBatch, double Fps);

    public static async Task<(IReadOnlyList<PipelineCell> Cells, IReadOnlyDictionary<string, double[]> Samples)> RunGridAsync(
        UNetOptions model, IReadOnlyList<EngineCell> engine, int frames, InferenceEngineOptions engineOptions, CancellationToken ct)
    {
        var cells = new List<PipelineCell>();
        var samples = new Dictionary<string, double[]>();
        foreach (int size in engine.Select(static e => e.Size).Distinct().Order().Take(1))
        {
            var b1 = engine.First(e => e.Size == size && e.Batch == 1);
            var scenarios = new[]
            {
                new Scenario($"steady {size}px b1", size, 1, Math.Round(0.5 * b1.FramesPerSecond, 1)),
                new Scenario($"overload 4x {size}px b4", size, 4, Math.Round(4 * b1.FramesPerSecond, 1)),
            };
            foreach (var s in scenarios)
            {
                ct.ThrowIfCancellationRequested();
                var (cell, raw) = await RunAsync(model, s, frames, engineOptions, engine, ct).ConfigureAwait(false);
                cells.Add(cell);
                samples[s.Name] = raw;
            }
        }
        return (cells, samples);
    }

    public static async Task<(PipelineCell Cell, double[] Samples)> RunAsync(
        UNetOptions model, Scenario s, int frames, InferenceEngineOptions engineOptions, IReadOnlyList<EngineCell> engineCells, CancellationToken ct)
    {
        using var loader = new RandomWeightsEngineLoader(model, s.Size, engineOptions);
        using var engine = loader.Load(new EngineSection(), s.MaxBatch, (s.Size, s.Size)).Engine;
        return await RunOnAsync(engine, s, frames,
            batch => engineCells.FirstOrDefault(e => e.Size == s.Size && e.Batch == batch)?.PerBatch.Median ?? double.NaN, ct).ConfigureAwait(false);
    }

    /// <summary>The scenario on a given engine (any <see cref="ISegmentationEngine"/>; the caller keeps it), built like every session.</summary>
    /// <param name="engineMedian">The engine's own median call at a batch size, for the overhead column.</param>
    public static async Task<(PipelineCell Cell, double[] Samples)> RunOnAsync(
        ISegmentationEngine engine, Scenario s, int frames, Func<int, double> engineMedian, CancellationToken ct)
    {
        int warmup = WarmupFor(frames);
        var probe = new LatencyProbeSink(frames, warmup);
        var prepared = new SessionEngine(engine, engine.Contract.Preprocess, engine.Contract.Threshold, Model: null, OwnedBySession: false);
        using var session = SessionBuilder.Build(Spec(s.Fps, frames + warmup, s.Size, 200, s.MaxBatch, warmup), new FixedEngineLoader(prepared), extraSinks: [probe]);
        var pipeline = session.Pipeline;
        // The cine loop is rendered now, so its allocations are not counted as the stream's.
        session.PrepareSources(ct);

        // Collect everything the set-up left behind, so the counts below belong to the stream.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        // MEDSEG_ALLOC_TRACE=1 lists the types allocated during the run (sampled GC events; adds its own allocations).
        using var trace = Environment.GetEnvironmentVariable("MEDSEG_ALLOC_TRACE") == "1" ? new AllocTrace() : null;
        var report = await pipeline.RunAsync(ct).ConfigureAwait(false);
        if (trace != null) foreach (var kv in trace.Bytes.OrderByDescending(k => k.Value).Take(15)) Console.WriteLine($"ALLOC {kv.Value,12} {kv.Key}");
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;

        var cell = new PipelineCell(s.Name, s.Size, s.MaxBatch, s.Fps, report.FramesIn, report.FramesOut, report.EndToEnd, report.Latency,
            report.EndToEnd.Median - engineMedian(Math.Max(1, (int)Math.Round(report.MeanBatch))), report.FramesDropped, (double)bytes / Math.Max(1, report.FramesIn),
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
        return (cell, probe.Samples.ToArray());
    }

    /// <summary>
    /// Live soak (a 25 fps-like steady source the model sustains) or overload soak (4× faster than the
    /// model) over <paramref name="frames"/> frames, with drift and memory growth.
    /// </summary>
    public static async Task<(SoakCell Cell, double[] Samples)> SoakAsync(
        UNetOptions model, string name, int size, int maxBatch, double fps, int frames, InferenceEngineOptions engineOptions, CancellationToken ct)
    {
        int warmup = WarmupFor(frames);
        using var loader = new RandomWeightsEngineLoader(model, size, engineOptions);
        var probe = new LatencyProbeSink(frames, warmup);
        using var session = SessionBuilder.Build(Spec(fps, frames + warmup, size, 256, maxBatch, warmup), loader, extraSinks: [probe]);
        var pipeline = session.Pipeline;
        // The cine loop is rendered now, so its allocations are not counted as the stream's.
        session.PrepareSources(ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        double ws0 = process.WorkingSet64 / 1048576.0, heap0 = GC.GetTotalMemory(false) / 1048576.0;
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        var report = await pipeline.RunAsync(ct).ConfigureAwait(false);
        long bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;
        process.Refresh();
        double ws1 = process.WorkingSet64 / 1048576.0, heap1 = GC.GetTotalMemory(false) / 1048576.0;

        var samples = probe.Samples.ToArray();
        int window = Math.Min(1000, samples.Length / 2);
        double first = P99(samples.AsSpan(0, window)), last = P99(samples.AsSpan(samples.Length - window, window));
        var cell = new SoakCell(name, size, maxBatch, fps, report.FramesIn, report.FramesOut,
            100.0 * report.FramesOut / Math.Max(1, report.FramesIn), report.EndToEnd, first, last, 100.0 * (last - first) / first,
            report.FramesDropped, ws0, ws1, heap0, heap1, (double)bytes / Math.Max(1, report.FramesIn),
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
        return (cell, samples);
    }

    /// <summary>One live synthetic stream (a pre-rendered cine loop keeps the phantom renderer off the streaming path) through the whole pipeline.</summary>
    public static SessionSpec Spec(double fps, long frames, int size, int loop, int maxBatch, int warmup) => new()
    {
        Sources = [new SourceSection { Uri = string.Create(CultureInfo.InvariantCulture, $"synthetic:lesion?fps={fps}&frames={frames}&size={size}&loop={loop}"), Mode = "newest" }],
        Engine = new EngineSection { Model = "random-weights" },
        Batcher = new BatcherSection { MaxBatch = maxBatch },
        Sinks = new SinksSection { Stats = new StatsSection { WarmupFrames = warmup } },
        Report = new ReportSection { Status = false },
    };

    /// <summary>
    /// Frames skipped before measuring: <see cref="Warmup"/>, but never more than the measured run
    /// itself, so a short run (and a Newest-mode run that drops frames) still measures some.
    /// </summary>
    public static int WarmupFor(int frames) => Math.Clamp(frames, 1, Warmup);

    private static double P99(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return double.NaN;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return MedSeg.Core.Timing.Percentile.Linear(sorted, 99);
    }

    public static void WritePlots(string outDir, IReadOnlyDictionary<string, double[]> samples)
    {
        if (samples.Count == 0) return;
        LatencyPlots.Histogram(Path.Combine(outDir, "latency_hist.png"), "End-to-end latency per frame", samples);
        LatencyPlots.Cdf(Path.Combine(outDir, "latency_cdf.png"), "End-to-end latency CDF", samples);
    }
}
