using System.Diagnostics;
using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Engines.Onnx;
using MedSeg.Engines.Torch;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Cli.Bench;

/// <summary>
/// <c>medseg bench --engines torch,onnx</c>: on one random-weight model of the benchmarked shape,
/// exported once, the bare ONNX Runtime reference, the ONNX engine and the TorchSharp engine at
/// batch 1, in interleaved rounds (so a neighbour's load falls on all three alike; each block timed
/// alone, see <see cref="InterleavedRounds"/>); then each
/// engine inside the whole pipeline at the smallest size.
/// </summary>
public static class EngineComparison
{
    /// <summary>
    /// Measures the runners in interleaved rounds: bare ONNX Runtime, the ONNX engine once per
    /// <paramref name="spinnings"/> (the first is the engine's default), the TorchSharp engine
    /// (TorchScript forward) and the same engine with the eager module forward.
    /// </summary>
    /// <returns>The cell, and the engines for the pipeline runs (the ONNX ones in <paramref name="spinnings"/>' order; the caller disposes them).</returns>
    public static (EngineComparisonCell Cell, IReadOnlyList<ISegmentationEngine> Onnx, ISegmentationEngine Torch) Measure(
        UNetOptions model, int size, int threads, int iterations, int rounds, IReadOnlyList<OnnxSpinning> spinnings)
    {
        TorchSharp.torch.random.manual_seed(1);
        using var net = new UNet(model);
        net.eval();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = size, Height = size } };
        byte[] graph = UNetOnnxExporter.Export(net, info, new OnnxExportOptions { Head = OutputHead.Labels }).ToByteArray();
        var rng = new Random(1);
        var input = new float[model.InChannels * size * size];
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
        var labels = new byte[size * size];
        var fg = new float[size * size];

        using var bare = new BareOrtRunner(graph, threads, input, [1, model.InChannels, size, size]);
        var onnx = spinnings.Select(spin => (ISegmentationEngine)OnnxEngine.FromBytes(
            graph, new OnnxEngineOptions { Threads = threads, MaxBatch = 1, Warmup = 3, Spinning = spin }, "bench.onnx")).ToList();
        var torch = new InferenceEngine(net, info, new InferenceEngineOptions { Threads = threads, MaxBatch = 1, Warmup = 3 });
        using var eager = new InferenceEngine(net, info, new InferenceEngineOptions { Threads = threads, MaxBatch = 1, Warmup = 3, Scripted = false });
        var runners = new List<Action> { bare.Run };
        runners.AddRange(onnx.Select(e => (Action)(() => e.Infer(input, 1, labels, fg))));
        runners.Add(() => torch.Infer(input, 1, labels, fg));
        runners.Add(() => eager.Infer(input, 1, labels, fg));
        var ms = InterleavedRounds.Medians([.. runners], rounds, iterations);
        var bySpinning = spinnings.Select((spin, i) => new SpinningMs(spin, ms[1 + i])).ToList();
        return (new EngineComparisonCell(size, threads, ms[0], bySpinning[0].Ms, ms[^2], ms[^1], bySpinning), onnx, torch);
    }

    public static async Task<EnginePipelineCell> PipelineAsync(string name, ISegmentationEngine engine, double engineMs, int size, int threads,
                                                               int frames, CancellationToken ct)
    {
        double fps = Math.Round(500.0 / engineMs, 1);
        var scenario = new PipelineBenchmark.Scenario($"{name} steady {size}px b1 t{threads}", size, 1, fps);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (cell, _) = await PipelineBenchmark.RunOnAsync(engine, scenario, frames, _ => engineMs, ct).ConfigureAwait(false);
        // CPU the whole process burnt per frame: what a spinning pool takes from the rest of the machine.
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / Math.Max(1, cell.Frames);
        // Overhead from the same run (end-to-end minus the inference stage's own median): on a shared
        // VM the load during the engine-alone rounds says little about the load during this run.
        var stage = cell.Stages.Where(static s => s.Name == "inference").ToArray();
        double inference = stage.Length > 0 ? stage[0].Median : double.NaN;
        return new EnginePipelineCell(name, size, threads, fps, cell.Processed, inference, cell.EndToEnd.Median, cell.EndToEnd.P99,
                                      cell.EndToEnd.Median - inference, cell.AllocatedBytesPerFrame, cpuMs);
    }

    public static string ToMarkdown(IReadOnlyList<EngineComparisonCell> engines, IReadOnlyList<EnginePipelineCell> pipelines, string command)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine($"`{command}` — {Environment.ProcessorCount} cores, batch 1, median ms per call (interleaved rounds in one process; each block after a " +
                     $"{InterleavedRounds.DefaultSettle.TotalMilliseconds:F0} ms settle, order shuffled per round)").AppendLine();
        md.AppendLine("| input | threads | bare ONNX Runtime | ONNX engine | TorchSharp engine | TorchSharp eager forward | ONNX engine ÷ bare | TorchSharp ÷ ONNX | eager ÷ TorchScript |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var e in engines)
            md.AppendLine($"| {e.Size}² | {e.Threads} | {e.BareOrtMs:F2} | {e.OnnxMs:F2} | {e.TorchMs:F2} | {e.TorchEagerMs:F2} | {e.OnnxVsBare:F3} | {e.TorchVsOnnx:F2}× | {e.EagerVsScripted:F3} |");
        if (engines.Any(static e => e.BySpinning.Count > 1))
        {
            md.AppendLine().AppendLine("ONNX engine by intra-op spinning (ms, and ÷ bare ONNX Runtime in the same rounds):").AppendLine();
            var kinds = engines[0].BySpinning.Select(static b => b.Spinning).ToArray();
            md.AppendLine("| input | threads | bare | " + string.Join(" | ", kinds) + " |");
            md.AppendLine("|---|---|---|" + string.Concat(kinds.Select(static _ => "---|")));
            foreach (var e in engines)
                md.AppendLine($"| {e.Size}² | {e.Threads} | {e.BareOrtMs:F2} | " + string.Join(" | ", e.BySpinning.Select(b => $"{b.Ms:F2} ({b.Ms / e.BareOrtMs:F3})")) + " |");
        }
        if (pipelines.Count == 0) return md.ToString();
        md.AppendLine().AppendLine("Whole pipeline (steady source at half the engine's batch-1 rate):").AppendLine();
        md.AppendLine("| engine | input | threads | source fps | frames | inference stage median | end-to-end median | p99 | overhead (e2e − inference) | managed bytes / frame | process CPU ms / frame |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in pipelines)
            md.AppendLine($"| {p.Engine} | {p.Size}² | {p.Threads} | {p.SourceFps:F1} | {p.Frames} | {p.EngineMs:F2} | {p.EndToEndMedianMs:F2} | " +
                          $"{p.EndToEndP99Ms:F2} | {p.OverheadMs:F2} | {p.AllocatedBytesPerFrame:F0} | {p.CpuMsPerFrame:F2} |");
        return md.ToString();
    }
}
