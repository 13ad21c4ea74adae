using System.Globalization;
using System.Text;
using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Core.Metrics;
using MedSeg.Engines.Onnx;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using MedSeg.Model.Training;
using MedSeg.Onnx.Quantization;

namespace MedSeg.Cli.Bench;

/// <summary>
/// <c>medseg bench --precisions fp32,int8</c>: one checkpoint exported fp32 and int8 (QDQ,
/// calibrated on its training images) at each size — the same trained weights, the U-Net being
/// fully convolutional — timed at batch 1 in interleaved rounds on the ONNX engine; then the Dice
/// of both on evaluation sets at the checkpoint's own size, against the sets' masks.
/// </summary>
public static class PrecisionComparison
{
    public sealed record SpeedCell(int Size, int Threads, double Fp32Ms, double Int8Ms)
    {
        public double Speedup => Fp32Ms / Int8Ms;
    }

    public sealed record DiceCell(string Data, int Images, IReadOnlyList<string> Classes, double[] Fp32, double[] Int8, double Agreement)
    {
        /// <summary>Mean over foreground classes of int8 − fp32.</summary>
        public double Change => Int8.Average() - Fp32.Average();
    }

    public static IReadOnlyList<SpeedCell> Speed(string checkpoint, string? calibration, int[] sizes, int[] threadCounts, int iterations, int rounds, Action<string> say)
    {
        var (model, info) = Checkpoint.Load(checkpoint);
        using var _ = model;
        var cells = new List<SpeedCell>();
        foreach (int size in sizes.Order())
        {
            var (fp32, int8) = Graphs(model, info with { Preprocess = info.Preprocess with { Width = size, Height = size } }, calibration, say);
            foreach (int threads in threadCounts)
            {
                say($"precisions {size}×{size}, {threads} thread(s): fp32 and int8 ONNX engines…");
                var o = new OnnxEngineOptions { Threads = threads, MaxBatch = 1, Warmup = 3 };
                using var a = OnnxEngine.FromBytes(fp32, o, "fp32.onnx");
                using var b = OnnxEngine.FromBytes(int8, o, "int8.onnx");
                var input = new float[info.Preprocess.Channels * size * size];
                var rng = new Random(1);
                for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
                var labels = new byte[size * size];
                var ms = InterleavedRounds.Medians([() => a.Infer(input, 1, labels, []), () => b.Infer(input, 1, labels, [])], rounds, iterations);
                cells.Add(new SpeedCell(size, threads, ms[0], ms[1]));
            }
        }
        return cells;
    }

    /// <summary>The Dice of both graphs on each of <paramref name="data"/>: the checkpoint is exported and quantized once for all sets.</summary>
    public static IReadOnlyList<DiceCell> Dice(string checkpoint, string? calibration, IReadOnlyList<string> data, int threads, Action<string> say)
    {
        if (data.Count == 0) return [];
        var (model, info) = Checkpoint.Load(checkpoint);
        using var _ = model;
        var (fp32, int8) = Graphs(model, info, calibration, say);
        var o = new OnnxEngineOptions { Threads = threads, MaxBatch = 1, Warmup = 1 };
        using var a = OnnxEngine.FromBytes(fp32, o, "fp32.onnx");
        using var b = OnnxEngine.FromBytes(int8, o, "int8.onnx");
        return [.. data.Select(d => Dice(a, b, info, d, say))];
    }

    private static DiceCell Dice(OnnxEngine a, OnnxEngine b, CheckpointInfo info, string data, Action<string> say)
    {
        var set = DatasetFactory.Open(data);
        say($"dice on {set.Name}: {set.Count} images, fp32 and int8…");
        PreparedDataset prepared;
        using (var pre = new Preprocessor(info.Preprocess)) prepared = new PreparedDataset(set, [.. Enumerable.Range(0, set.Count)], pre);
        int k = info.Model.NumClasses, w = prepared.Width, h = prepared.Height;
        var (sumA, sumB) = (new MetricsAggregator(k, info.Model.ClassNames), new MetricsAggregator(k, info.Model.ClassNames));
        var (la, lb) = (new byte[w * h], new byte[w * h]);
        long same = 0;
        for (int i = 0; i < prepared.Count; i++)
        {
            a.Infer(prepared.Image(i), 1, la, []);
            b.Infer(prepared.Image(i), 1, lb, []);
            sumA.Add(ImageMetrics.Compute(prepared.Id(i), la, prepared.Mask(i), w, h, k, computeHd95: false));
            sumB.Add(ImageMetrics.Compute(prepared.Id(i), lb, prepared.Mask(i), w, h, k, computeHd95: false));
            for (int p = 0; p < la.Length; p++) if (la[p] == lb[p]) same++;
        }
        var (sa, sb) = (sumA.Summarize(), sumB.Summarize());
        return new DiceCell(data, prepared.Count, [.. sa.Classes.Select(static c => c.Name)],
                            [.. sa.Classes.Select(static c => c.DiceMean)], [.. sb.Classes.Select(static c => c.DiceMean)], (double)same / ((long)prepared.Count * w * h));
    }

    public static string ToMarkdown(IReadOnlyList<SpeedCell> speed, IReadOnlyList<DiceCell> dice, string command, string model)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}` — {Environment.ProcessorCount} cores, {model}, ONNX engine (CPU provider), batch 1, median ms per call (interleaved rounds)").AppendLine();
        md.AppendLine("| input | threads | fp32 | int8 (QDQ) | fp32 ÷ int8 |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var c in speed) md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Size}² | {c.Threads} | {c.Fp32Ms:F2} | {c.Int8Ms:F2} | {c.Speedup:F2}× |");
        if (dice.Count == 0) return md.ToString();
        md.AppendLine().AppendLine("Dice at the model's input size against the set's masks (mean over images; per foreground class):").AppendLine();
        md.AppendLine("| eval set | images | class | fp32 Dice | int8 Dice | change | pixels with the same label |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var d in dice)
            for (int c = 0; c < d.Classes.Count; c++)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {d.Data} | {d.Images} | {d.Classes[c]} | {d.Fp32[c]:F4} | {d.Int8[c]:F4} | {d.Int8[c] - d.Fp32[c]:+0.0000;-0.0000;0.0000} | {d.Agreement:P2} |");
        double loss = Math.Max(0, -dice.Min(static d => d.Change));
        md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
            $"Largest mean Dice loss of int8: {loss:F4} (rule: int8 may only be a default where the loss is ≤ 0.005). It stays opt-in, `--precision int8`; fp32 is the default.");
        return md.ToString();
    }

    /// <summary>The checkpoint as fp32 and int8 graphs for <paramref name="info"/>'s input size (calibration resized to it).</summary>
    private static (byte[] Fp32, byte[] Int8) Graphs(UNet model, CheckpointInfo info, string? calibration, Action<string> say)
    {
        var fp32 = UNetOnnxExporter.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels });
        var (frames, source) = CalibrationFrames.Load(calibration, info, TensorLayout.Nchw);
        say($"int8 at {info.Preprocess.Width}×{info.Preprocess.Height}: calibrated on {source}");
        return (fp32.ToByteArray(), QdqQuantizer.Quantize(fp32, frames, calibration: source).ToByteArray());
    }
}
