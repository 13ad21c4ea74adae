using System.CommandLine;
using MedSeg.Cli.Bench;
using MedSeg.Engines.Onnx;
using MedSeg.Engines.Torch;
using MedSeg.Model;
using Spectre.Console;
using TorchSharp;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg bench`: the engine alone over a grid of batch sizes and resolutions, then the whole
/// pipeline; latency percentiles, throughput, GFLOP/s next to libtorch's matmul rate, drops,
/// allocations and GC counts; JSON + Markdown + PNG histogram and CDF.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var sizes = new Option<int[]>("--sizes") { Description = "Input sizes (square)", DefaultValueFactory = _ => [128, 256], AllowMultipleArgumentsPerToken = true }.Each(16, 4096);
        var batches = new Option<int[]>("--batches") { Description = "Batch sizes", DefaultValueFactory = _ => [1, 2, 4, 8], AllowMultipleArgumentsPerToken = true }.Each(1, 256);
        var iterations = new Option<int>("--iterations") { Description = "Timed engine calls per cell (after warm-up)", DefaultValueFactory = _ => 20 }.Between(1, 1_000_000);
        var baseWidth = new Option<int>("--base") { Description = "U-Net base width of the benchmarked model", DefaultValueFactory = _ => 16 }.Between(1, 1024);
        var depth = new Option<int>("--depth") { Description = "U-Net depth", DefaultValueFactory = _ => 4 }.Between(1, 6);
        var pipelineFrames = new Option<int>("--pipeline-frames") { Description = "Frames per pipeline run (0 = skip the pipeline part)", DefaultValueFactory = _ => 600 }.Between(0, 10_000_000);
        var soak = new Option<int>("--soak-frames") { Description = "Also run the live (25 fps) and overload (4× the model) soaks over this many frames each (0 = skip; 10000 takes ~8 min)", DefaultValueFactory = _ => 0 }.Between(0, 10_000_000);
        var soakFps = new Option<double>("--soak-fps") { Description = "Source rate of the live soak", DefaultValueFactory = _ => 25 }.Between(0.1, 10_000.0);
        var eager = new Option<bool>("--eager") { Description = "Run the eager TorchSharp forward (one native call per op) instead of the TorchScript one, to compare" };
        var render = new Option<int>("--render-frames") { Description = "Frames for the headless overlay-rendering benchmark at 512×512 (0 = skip)", DefaultValueFactory = _ => 2000 }.Between(0, 10_000_000);
        var streams = new Option<int[]>("--streams")
        {
            Description = "N streams on one model instead of the engine grid: for each count (e.g. 1,2,4,8), that many live synthetic sources through one shared inference stage",
            AllowMultipleArgumentsPerToken = true, CustomParser = r =>
            {
                var counts = new List<int>();
                foreach (var v in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)))
                {
                    if (int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n)) counts.Add(n);
                    else r.AddError($"--streams {v}: not a whole number (e.g. --streams 1,2,4,8)");
                }
                return [.. counts];
            },
        }.Each(1, 64);
        var streamFrames = new Option<int>("--stream-frames") { Description = "--streams: frames per stream (default 250 = 10 s at 25 fps)", DefaultValueFactory = _ => 250 }.Between(1, 10_000_000);
        var streamFps = new Option<double>("--stream-fps") { Description = "--streams: frame rate of each stream", DefaultValueFactory = _ => 25 }.Between(0.1, 10_000.0);
        var streamModel = new Option<string>("--model") { Description = "--streams: checkpoint every stream shares; --precisions: the checkpoint compared", DefaultValueFactory = _ => DemoCommand.DefaultModel };
        var print = SpecFlags.PrintSpec();
        var output = CommonOptions.Out("out/bench");
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var engines = new Option<string?>("--engines") { Description = "torch,onnx: compare both engines (and a bare ONNX Runtime session on the same graph) at batch 1 instead of the grid" };
        var threadCounts = new Option<int[]>("--thread-counts") { Description = "Thread counts of the --engines comparison", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true }.Each(1, 1024);
        var spinning = new Option<OnnxSpinning[]>("--onnx-spinning")
        {
            Description = "--engines: also run the ONNX engine with each of these intra-op spinning settings (Off, DuringRun, Always; the first is the one compared in the main table)",
            DefaultValueFactory = _ => [new OnnxEngineOptions().Spinning], AllowMultipleArgumentsPerToken = true,
        };
        var precisions = new Option<string?>("--precisions") { Description = "fp32,int8 | fp32,bf16 | fp32,int8,bf16: the --model checkpoint in fp32 and each reduced precision on its engine (int8: ONNX Runtime QDQ; bf16: TorchSharp, marked emulated on a CPU without native bf16) at each --sizes, timed at batch 1 per --thread-counts in the same rounds, and the Dice of each on every --eval-data" };
        var evalData = new Option<string[]>("--eval-data") { Description = "--precisions: evaluation data spec(s) with masks, scored at the model's size (repeatable)", AllowMultipleArgumentsPerToken = false };
        var calibration = SpecFlags.Calibration();
        var overlap = new Option<int>("--overlap") { Description = "Run N batches of the --model checkpoint on ONNX Runtime (--device, --threads) per --batches size, synchronously and through the engine's two slots, instead of the grid (0 = off)" }.Between(0, 10_000_000);
        var rounds = new Option<int>("--rounds") { Description = "Interleaved rounds of the --engines comparison (--iterations calls each)", DefaultValueFactory = _ => 5 }.Between(1, 10_000);
        var cmd = new Command("bench", "Benchmark the inference engine and the whole pipeline (latency percentiles, throughput, GFLOP/s, allocations)")
        {
            sizes, batches, iterations, baseWidth, depth, pipelineFrames, soak, soakFps, eager, render, streams, streamFrames, streamFps, streamModel, print, output, device, threads, engines, threadCounts, rounds, spinning, precisions, evalData, calibration, overlap,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(async () =>
        {
            if (p.GetValue(streams) is { Length: > 0 } counts)
            {
                if (counts.Any(static c => c < 1 || c > 64)) throw new ArgumentException("--streams: each count must be 1–64");
                string ckpt = DemoCommand.ResolveModel(p.GetValue(streamModel)!);
                int size = Checkpoint.ReadInfo(ckpt).Preprocess.Width;
                // 0 (one per core) would leave the pipeline's own threads no core: cores − 1 as for every streaming command.
                int streamThreads = p.GetValue(threads) is int t and > 0 ? t : Pipeline.Session.EngineSection.DefaultThreads;
                if (p.GetValue(print))
                {
                    // One spec per stream count: print the one asked for.
                    if (counts.Length != 1) throw new ArgumentException("--print-spec with --streams: give one stream count");
                    var one = StreamsBenchmark.Spec(counts[0], ckpt, p.GetValue(streamFps), p.GetValue(streamFrames), size, p.GetValue(device)!, streamThreads, StreamsBenchmark.WarmupFor(p.GetValue(streamFrames)));
                    Console.Out.Write(Pipeline.Session.SessionSpecFile.ToYaml(one.Validate()));
                    return CommandErrors.Ok;
                }
                var cells = await StreamsBenchmark.RunAsync(counts, ckpt, p.GetValue(streamFps), p.GetValue(streamFrames), size, p.GetValue(device)!, streamThreads, ct).ConfigureAwait(false);
                string streamsMd = StreamsBenchmark.ToMarkdown(cells, $"{Environment.ProcessorCount} cores, {streamThreads} engine thread(s)", Path.GetFileName(ckpt));
                StreamsBenchmark.Save(p.GetValue(output)!, cells, streamsMd);
                Console.Out.Write(streamsMd); // not AnsiConsole: it would wrap the table at the terminal width
                return CommandErrors.Ok;
            }
            if (p.GetValue(overlap) is int overlapBatches and > 0)
                return Overlap(DemoCommand.ResolveModel(p.GetValue(streamModel)!), p.GetValue(device)!, p.GetValue(threads), p.GetValue(batches)!, overlapBatches, p.GetValue(output)!);
            if (p.GetValue(precisions) is { } precisionNames)
                return ComparePrecisions(precisionNames, DemoCommand.ResolveModel(p.GetValue(streamModel)!), p.GetValue(calibration), p.GetValue(evalData) ?? [],
                                         p.GetValue(sizes)!, p.GetValue(threadCounts)!, p.GetValue(iterations), p.GetValue(rounds), p.GetValue(output)!);
            var model = new UNetOptions { BaseWidth = p.GetValue(baseWidth), Depth = p.GetValue(depth) }.Validate();
            string outDir = p.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            string dev = p.GetValue(device)!;
            int nThreads = p.GetValue(threads);
            if (p.GetValue(engines) is { } names)
                return await CompareEnginesAsync(model, names, p.GetValue(sizes)!, p.GetValue(threadCounts)!, p.GetValue(iterations), p.GetValue(rounds),
                                                 p.GetValue(spinning)!, p.GetValue(pipelineFrames), outDir, ct).ConfigureAwait(false);
            var torchDevice = TorchDevice.Select(dev, nThreads);
            var engineOptions = new InferenceEngineOptions { Device = dev, Threads = nThreads, Scripted = !p.GetValue(eager) };

            AnsiConsole.MarkupLine("[grey]measuring libtorch float32 matmul rate…[/]");
            double matmul = MatmulRate.MeasureGflops(torchDevice);
            var engineCells = new List<EngineCell>();
            foreach (int size in p.GetValue(sizes)!)
            foreach (int batch in p.GetValue(batches)!)
            {
                ct.ThrowIfCancellationRequested();
                AnsiConsole.MarkupLine($"[grey]engine {size}×{size}, batch {batch}…[/]");
                engineCells.Add(EngineBenchmark.Run(model, size, batch, p.GetValue(iterations), warmup: 3, matmul, engineOptions));
            }
            IReadOnlyList<PipelineCell> pipelineCells = [];
            IReadOnlyDictionary<string, double[]> samples = new Dictionary<string, double[]>();
            int frames = p.GetValue(pipelineFrames);
            if (frames > 0)
            {
                AnsiConsole.MarkupLine("[grey]whole pipeline…[/]");
                (pipelineCells, samples) = await PipelineBenchmark.RunGridAsync(model, engineCells, frames, engineOptions, ct).ConfigureAwait(false);
            }

            var soakCells = new List<SoakCell>();
            if (p.GetValue(soak) is int soakFrames and > 0)
            {
                int size = engineCells.Min(static e => e.Size);
                var b1 = engineCells.First(e => e.Size == size && e.Batch == 1);
                AnsiConsole.MarkupLine($"[grey]live soak: {soakFrames} frames at {p.GetValue(soakFps)} fps…[/]");
                var (live, liveSamples) = await PipelineBenchmark.SoakAsync(model, $"live {size}px", size, 1, p.GetValue(soakFps), soakFrames, engineOptions, ct).ConfigureAwait(false);
                AnsiConsole.MarkupLine("[grey]overload soak: 4× the model's batch-1 rate…[/]");
                var (over, overSamples) = await PipelineBenchmark.SoakAsync(model, $"overload 4x {size}px", size, 4, Math.Round(4 * b1.FramesPerSecond, 1), soakFrames, engineOptions, ct).ConfigureAwait(false);
                soakCells.AddRange([live, over]);
                var all = new Dictionary<string, double[]>(samples) { [live.Scenario] = liveSamples, [over.Scenario] = overSamples };
                samples = all;
            }
            RenderCell? renderCell = null;
            if (p.GetValue(render) is int renderFrames and > 0)
            {
                AnsiConsole.MarkupLine("[grey]headless overlay rendering 512×512…[/]");
                try
                {
                    renderCell = new RenderCell("Mesa llvmpipe (EGL, GL 4.5 core)", 512, 512, renderFrames,
                        Rendering.RenderBenchmark.Run(512, 512, renderFrames, readBack: false),
                        Rendering.RenderBenchmark.Run(512, 512, renderFrames, readBack: true),
                        Rendering.RenderBenchmark.Run(512, 512, renderFrames, ct: true),
                        Rendering.RenderBenchmark.RunBare(512, 512, renderFrames));
                }
                catch (Rendering.GraphicsUnavailableException e)
                {
                    AnsiConsole.MarkupLine($"[yellow]rendering benchmark skipped: {Markup.Escape(e.Message)}[/]");
                }
            }
            var report = new BenchReport(Environment.MachineName + $" ({Environment.ProcessorCount} cores)", torchDevice.ToString(),
                                         torch.get_num_threads(), model.Describe() + (engineOptions.Scripted ? "; TorchScript forward" : "; eager forward"), matmul, engineCells, pipelineCells, soakCells, renderCell);
            report.SaveJson(Path.Combine(outDir, "bench.json"));
            string md = report.ToMarkdown();
            Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "bench.md"), md);
            PipelineBenchmark.WritePlots(outDir, samples);
            AnsiConsole.WriteLine(md);
            AnsiConsole.MarkupLine($"written: {Markup.Escape(Path.Combine(outDir, "bench.json"))}, bench.md, latency_hist.png, latency_cdf.png");
            return CommandErrors.Ok;
        }));
        return cmd;
    }

    private static int Overlap(string checkpoint, string device, int threads, int[] batches, int n, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var cells = new List<OverlapBenchmark.Cell>();
        using (var engine = Engines.EngineFactory.Create(new Engines.EngineRequest
               {
                   Model = checkpoint, Engine = Engines.EngineKind.Onnx, Device = device, Threads = threads, MaxBatch = batches.Max(),
               }))
            foreach (int b in batches)
            {
                AnsiConsole.MarkupLine($"[grey]overlap on {Markup.Escape(engine.Description.Device)}, batch {b}: {n} batches synchronously, then through two slots…[/]");
                cells.Add(OverlapBenchmark.Run(engine, b, n));
            }
        string md = OverlapBenchmark.ToMarkdown(cells, $"medseg bench --overlap {n} --model {checkpoint} --device {device} --threads {threads} --batches {string.Join(' ', batches)}");
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "overlap.md"), md);
        Console.Out.Write(md);
        return CommandErrors.Ok;
    }

    private static int ComparePrecisions(string names, string checkpoint, string? calibration, string[] evalData, int[] sizes, int[] threadCounts,
                                         int iterations, int rounds, string outDir)
    {
        var set = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(static n => n.ToLowerInvariant()).Distinct().ToArray();
        string[] reduced = [.. PrecisionPair.Names.Where(set.Contains)];
        if (!set.Contains("fp32") || reduced.Length == 0 || set.Length != reduced.Length + 1)
            throw new ArgumentException($"--precisions '{names}': compare fp32 with int8, bf16 or both (fp32,int8 | fp32,bf16 | fp32,int8,bf16)");
        Directory.CreateDirectory(outDir);
        static void Say(string s) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(s)}[/]");
        var cpu = Core.Inference.CpuBf16Probe.Current;
        if (reduced.Contains("bf16") && !cpu.Native) Say($"bf16: {cpu.Describe()}: libtorch emulates it, so its speed is not representative (its Dice change is)");
        var speed = PrecisionComparison.Speed(checkpoint, reduced, calibration, sizes, threadCounts, iterations, rounds, Say);
        var dice = PrecisionComparison.Dice(checkpoint, reduced, calibration, evalData, threadCounts.Max(), Say);
        string command = $"medseg bench --precisions fp32,{string.Join(',', reduced)} --model {checkpoint} --sizes {string.Join(' ', sizes)} --thread-counts {string.Join(' ', threadCounts)} " +
                         $"--iterations {iterations} --rounds {rounds}" + string.Concat(evalData.Select(static d => $" --eval-data \"{d}\"")) +
                         (calibration is null ? "" : $" --calibration \"{calibration}\"");
        string md = PrecisionComparison.ToMarkdown(speed, dice, command, Path.GetFileName(checkpoint), cpu);
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "precisions.md"), md);
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "precisions.json"), System.Text.Json.JsonSerializer.Serialize(new { cpu = cpu.Describe(), bf16Native = cpu.Native, speed, dice },
                                                                                                             new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.Out.Write(md);
        AnsiConsole.MarkupLine($"written: {Markup.Escape(Path.Combine(outDir, "precisions.md"))}, precisions.json");
        return CommandErrors.Ok;
    }

    private static async Task<int> CompareEnginesAsync(UNetOptions model, string names, int[] sizes, int[] threadCounts, int iterations, int rounds,
                                                       OnnxSpinning[] spinnings, int pipelineFrames, string outDir, CancellationToken ct)
    {
        if (spinnings.Length == 0) throw new ArgumentException("--onnx-spinning: give at least one of Off, DuringRun, Always");
        var set = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(static n => n.ToLowerInvariant()).Order().ToArray();
        if (!set.SequenceEqual(["onnx", "torch"])) throw new ArgumentException($"--engines '{names}': compare torch,onnx");
        var cells = new List<EngineComparisonCell>();
        var pipelines = new List<EnginePipelineCell>();
        foreach (int threads in threadCounts)
        foreach (int size in sizes.Order())
        {
            ct.ThrowIfCancellationRequested();
            AnsiConsole.MarkupLine($"[grey]engines {size}×{size}, {threads} thread(s): bare ONNX Runtime, ONNX engine, TorchSharp engine…[/]");
            var (cell, onnx, torchEngine) = EngineComparison.Measure(model, size, threads, iterations, rounds, spinnings);
            try
            {
                cells.Add(cell);
                if (pipelineFrames > 0 && size == sizes.Min())
                {
                    AnsiConsole.MarkupLine("[grey]  …and each inside the whole pipeline[/]");
                    for (int i = 0; i < onnx.Count; i++)
                    {
                        string name = spinnings.Length == 1 ? "onnx" : $"onnx, spinning {spinnings[i]}";
                        pipelines.Add(await EngineComparison.PipelineAsync(name, onnx[i], cell.BySpinning[i].Ms, size, threads, pipelineFrames, ct).ConfigureAwait(false));
                    }
                    pipelines.Add(await EngineComparison.PipelineAsync("torch", torchEngine, cell.TorchMs, size, threads, pipelineFrames, ct).ConfigureAwait(false));
                }
            }
            finally
            {
                foreach (var e in onnx) e.Dispose();
                torchEngine.Dispose();
            }
        }
        string command = $"medseg bench --engines torch,onnx --sizes {string.Join(' ', sizes)} --thread-counts {string.Join(' ', threadCounts)} " +
                         $"--iterations {iterations} --rounds {rounds} --pipeline-frames {pipelineFrames}" +
                         (spinnings.Length > 1 ? $" --onnx-spinning {string.Join(' ', spinnings)}" : "");
        string md = EngineComparison.ToMarkdown(cells, pipelines, command);
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "engines.md"), md);
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "engines.json"), System.Text.Json.JsonSerializer.Serialize(new { engines = cells, pipelines },
                                                                                                          new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.WriteLine(md);
        AnsiConsole.MarkupLine($"written: {Markup.Escape(Path.Combine(outDir, "engines.md"))}, engines.json");
        return CommandErrors.Ok;
    }
}
