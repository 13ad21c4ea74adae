using System.Globalization;
using System.Text;
using MedSeg.Core.Inference;
using MedSeg.Core.Metrics;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;

namespace MedSeg.Cli.Bench;

/// <summary>
/// <c>medseg bench --precisions fp32,int8[,bf16]</c>: one checkpoint in fp32 and each reduced
/// precision on that precision's engine (<see cref="PrecisionPair"/>: int8 on ONNX Runtime, bf16
/// on TorchSharp) at each size — the same trained weights, the U-Net being fully convolutional —
/// all timed at batch 1 in the same interleaved rounds; then the Dice of each pair on evaluation
/// sets at the checkpoint's own size, against the sets' masks.
/// </summary>
/// <remarks>
/// bf16 runs whether or not the CPU has native bf16 (libtorch emulates it), so the Dice change is
/// measured anywhere; its speed is marked emulated where <see cref="CpuBf16Probe"/> found no
/// native support, since an emulated bf16 is slower than fp32 and says nothing of real hardware.
/// </remarks>
public static class PrecisionComparison
{
    public sealed record SpeedCell(string Precision, string Engine, int Size, int Threads, double Fp32Ms, double ReducedMs)
    {
        public double Speedup => Fp32Ms / ReducedMs;
    }

    public sealed record DiceCell(string Precision, string Data, int Images, IReadOnlyList<string> Classes, double[] Fp32, double[] Reduced, double Agreement)
    {
        /// <summary>Mean over foreground classes of reduced − fp32.</summary>
        public double Change => Reduced.Average() - Fp32.Average();
    }

    public static IReadOnlyList<SpeedCell> Speed(string checkpoint, IReadOnlyList<string> precisions, string? calibration, int[] sizes, int[] threadCounts,
                                                 int iterations, int rounds, Action<string> say)
    {
        var (model, info) = Checkpoint.Load(checkpoint);
        using var _ = model;
        var cells = new List<SpeedCell>();
        foreach (int size in sizes.Order())
        {
            var sized = info with { Preprocess = info.Preprocess with { Width = size, Height = size } };
            var graphs = precisions.Contains("int8") ? PrecisionPair.Int8Graphs(model, sized, calibration, say) : default;
            foreach (int threads in threadCounts)
            {
                say($"precisions {size}×{size}, {threads} thread(s): fp32 and {string.Join(", ", precisions)} on their engines…");
                var pairs = Pairs(precisions, graphs, checkpoint, size, threads, warmup: 3);
                try
                {
                    var input = new float[info.Preprocess.Channels * size * size];
                    var rng = new Random(1);
                    for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
                    var labels = new byte[size * size];
                    // Every engine of every pair in the same rounds: a load spike hits all of them alike.
                    var ms = InterleavedRounds.Medians([.. pairs.SelectMany(p => new Action[] { () => p.Fp32.Infer(input, 1, labels, []), () => p.Reduced.Infer(input, 1, labels, []) })],
                                                       rounds, iterations);
                    cells.AddRange(pairs.Select((p, i) => new SpeedCell(p.Precision, p.Engine, size, threads, ms[2 * i], ms[2 * i + 1])));
                }
                finally
                {
                    foreach (var p in pairs) p.Dispose();
                }
            }
        }
        return cells;
    }

    /// <summary>The Dice of each pair on each of <paramref name="data"/>: the checkpoint is exported and quantized once for all sets.</summary>
    public static IReadOnlyList<DiceCell> Dice(string checkpoint, IReadOnlyList<string> precisions, string? calibration, IReadOnlyList<string> data, int threads, Action<string> say)
    {
        if (data.Count == 0) return [];
        var (model, info) = Checkpoint.Load(checkpoint);
        using var _ = model;
        var graphs = precisions.Contains("int8") ? PrecisionPair.Int8Graphs(model, info, calibration, say) : default;
        var pairs = Pairs(precisions, graphs, checkpoint, null, threads, warmup: 1);
        try
        {
            return [.. pairs.SelectMany(p => data.Select(d => Dice(p, info, d, say)))];
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }
    }

    private static List<PrecisionPair> Pairs(IReadOnlyList<string> precisions, (byte[] Fp32, byte[] Int8) graphs, string checkpoint, int? size, int threads, int warmup)
    {
        var pairs = new List<PrecisionPair>();
        try
        {
            foreach (var name in PrecisionPair.Names.Where(precisions.Contains))
                pairs.Add(name == "int8" ? PrecisionPair.Int8(graphs, threads, warmup) : PrecisionPair.Bf16(checkpoint, size, threads, warmup));
            return pairs;
        }
        catch
        {
            foreach (var p in pairs) p.Dispose();
            throw;
        }
    }

    private static DiceCell Dice(PrecisionPair pair, CheckpointInfo info, string data, Action<string> say)
    {
        var set = DatasetFactory.Open(data);
        say($"dice on {set.Name}: {set.Count} images, fp32 and {pair.Precision} ({pair.Engine})…");
        PreparedDataset prepared;
        using (var pre = new Preprocessor(info.Preprocess)) prepared = new PreparedDataset(set, [.. Enumerable.Range(0, set.Count)], pre);
        int k = info.Model.NumClasses, w = prepared.Width, h = prepared.Height;
        var (sumA, sumB) = (new MetricsAggregator(k, info.Model.ClassNames), new MetricsAggregator(k, info.Model.ClassNames));
        var (la, lb) = (new byte[w * h], new byte[w * h]);
        long same = 0;
        for (int i = 0; i < prepared.Count; i++)
        {
            pair.Fp32.Infer(prepared.Image(i), 1, la, []);
            pair.Reduced.Infer(prepared.Image(i), 1, lb, []);
            sumA.Add(ImageMetrics.Compute(prepared.Id(i), la, prepared.Mask(i), w, h, k, computeHd95: false));
            sumB.Add(ImageMetrics.Compute(prepared.Id(i), lb, prepared.Mask(i), w, h, k, computeHd95: false));
            for (int p = 0; p < la.Length; p++) if (la[p] == lb[p]) same++;
        }
        var (sa, sb) = (sumA.Summarize(), sumB.Summarize());
        return new DiceCell(pair.Precision, data, prepared.Count, [.. sa.Classes.Select(static c => c.Name)],
                            [.. sa.Classes.Select(static c => c.DiceMean)], [.. sb.Classes.Select(static c => c.DiceMean)], (double)same / ((long)prepared.Count * w * h));
    }

    public static string ToMarkdown(IReadOnlyList<SpeedCell> speed, IReadOnlyList<DiceCell> dice, string command, string model, Bf16Capability cpu)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}` — {Environment.ProcessorCount} cores, {model}, batch 1, median ms per call (interleaved rounds); CPU: {cpu.Describe()}");
        foreach (var precision in PrecisionPair.Names)
        {
            var rows = speed.Where(c => c.Precision == precision).ToList();
            if (rows.Count == 0) continue;
            // Emulated bf16 converts around every op: slower than fp32, and no forecast of a CPU that has the instructions.
            string? emulated = precision == "bf16" && !cpu.Native ? $"emulated (no {NativeName(cpu)}): not representative" : null;
            string column = precision == "int8" ? "int8 (QDQ)" : emulated is null ? "bf16" : $"bf16 — {emulated}";
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"fp32 against {precision}, both on the {rows[0].Engine}:").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| input | threads | fp32 | {column} | fp32 ÷ {precision} |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var c in rows)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Size}² | {c.Threads} | {c.Fp32Ms:F2} | {c.ReducedMs:F2} | {c.Speedup:F2}×{(emulated is null ? "" : " (emulated)")} |");
        }
        if (dice.Count == 0) return md.ToString();
        foreach (var precision in PrecisionPair.Names)
        {
            var rows = dice.Where(d => d.Precision == precision).ToList();
            if (rows.Count == 0) continue;
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{precision}: Dice at the model's input size against the set's masks (mean over images; per foreground class):").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| eval set | images | class | fp32 Dice | {precision} Dice | change | pixels with the same label |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var d in rows)
                for (int c = 0; c < d.Classes.Count; c++)
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {d.Data} | {d.Images} | {d.Classes[c]} | {d.Fp32[c]:F4} | {d.Reduced[c]:F4} | {d.Reduced[c] - d.Fp32[c]:+0.0000;-0.0000;0.0000} | {d.Agreement:P2} |");
            double loss = Math.Max(0, -rows.Min(static d => d.Change));
            string verdict = precision == "int8"
                ? FormattableString.Invariant($"Largest mean Dice loss of int8: {loss:F4} (rule: int8 may only be a default where the loss is ≤ 0.005). It stays opt-in, `--precision int8`; fp32 is the default.")
                : FormattableString.Invariant($"Largest mean Dice loss of bf16: {loss:F4} (the same weights on the TorchSharp engine; valid on any CPU, emulated or not). It stays opt-in, `--precision bf16`, offered only on CPUs with native bf16 ({NativeName(cpu)}; this one: {(cpu.Native ? string.Join(", ", cpu.Found) : "none")}); fp32 is the default.");
            md.AppendLine().AppendLine(verdict);
        }
        return md.ToString();
    }

    /// <summary>The instructions that make bf16 native on <paramref name="cpu"/>'s architecture, as CPU vendors name them.</summary>
    private static string NativeName(Bf16Capability cpu) => cpu.Architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.X86 => "AVX512_BF16/AMX",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64 BF16",
        _ => cpu.LookedFor,
    };
}
