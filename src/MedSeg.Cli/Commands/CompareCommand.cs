using System.CommandLine;
using MedSeg.Cli.Engines;
using MedSeg.Cli.Reports;
using MedSeg.Core.Metrics;
using MedSeg.Core.Statistics;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

public sealed record CompareOptions
{
    public required string ModelA { get; init; }
    public required string ModelB { get; init; }
    /// <summary>A data set spec, or a recorded session (its frames and stored ground truth are replayed through both models).</summary>
    public required string Data { get; init; }
    public string? Layout { get; init; }
    public required string OutDir { get; init; }
    public int Worst { get; init; } = 8;
    public int BatchSize { get; init; } = 8;
    public string Device { get; init; } = "auto";
    public int Threads { get; init; }
}

/// <summary>The JSON report of `medseg compare`.</summary>
public sealed record CompareReport(string ModelA, string ModelB, string Dataset, int Images, IReadOnlyList<PairedComparison> Metrics,
                                   IReadOnlyList<string> MostRegressed, IReadOnlyList<ComparedImage> PerImage);

public sealed record ComparedImage(string Id, double DiceA, double DiceB, double IouA, double IouB, double Hd95A, double Hd95B);

/// <summary>
/// `medseg compare A B --data X` (or `--session S.msgpack`; A and B each a .ckpt or a .onnx): both models over the same
/// images at native resolution, paired per image: Dice, IoU and HD95 differences (B − A), a
/// Wilcoxon signed-rank test, the most regressed cases as a PNG grid, a table and JSON.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "Reference model: a checkpoint or an ONNX model (export-onnx, or a foreign one with MODEL.onnx.json)" };
        var b = new Argument<string>("B") { Description = "Candidate model: a checkpoint or an ONNX model" };
        var data = CommonOptions.Data(required: false);
        var session = new Option<string?>("--session") { Description = "A recorded session (.msgpack) with ground truth, replayed through both models" };
        var layout = CommonOptions.Layout();
        var output = CommonOptions.Out("runs/compare");
        var worst = new Option<int>("--worst") { Description = "Rows in the most-regressed PNG grid", DefaultValueFactory = _ => 8 }.Between(0, 1000);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var cmd = new Command("compare", "Compare two models (checkpoints or ONNX) on the same images: paired Dice / IoU / HD95 differences, Wilcoxon signed-rank test, most regressed cases")
        {
            a, b, data, session, layout, output, worst, device, threads,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            string? d = p.GetValue(data), s = p.GetValue(session);
            if ((d is null) == (s is null)) throw new ArgumentException("pass exactly one of --data and --session");
            return Task.FromResult(Run(new CompareOptions
            {
                ModelA = p.GetValue(a)!, ModelB = p.GetValue(b)!, Data = (d ?? s)!, Layout = p.GetValue(layout), OutDir = p.GetValue(output)!,
                Worst = p.GetValue(worst), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
            }, ct).ExitCode);
        }));
        return cmd;
    }

    public static (int ExitCode, CompareReport Report) Run(CompareOptions o, CancellationToken ct)
    {
        CommonOptions.EnsureWritableFolder(o.OutDir);
        var data = DatasetFactory.Open(o.Data, o.Layout);
        try
        {
            var a = Score(o.ModelA, data, o, ct);
            var b = Score(o.ModelB, data, o, ct);
            var metrics = new[]
            {
                PairedComparison.Of("dice", true, a.Dice, b.Dice),
                PairedComparison.Of("iou", true, a.Iou, b.Iou),
                PairedComparison.Of("hd95", false, a.Hd95, b.Hd95),
            };
            var worst = PairedComparison.MostRegressed(a.Dice, b.Dice, higherIsBetter: true, o.Worst);
            var grid = new CompareGrid();
            foreach (string id in worst)
            {
                int i = a.Index[id];
                grid.Add(a.Prepared, i, a.Predictions[id], MaskResize(b.Predictions[id], b.Prepared, a.Prepared), a.Dice[id], b.Dice[id]);
            }
            var perImage = a.Dice.Keys.Where(b.Dice.ContainsKey).Select(id =>
                new ComparedImage(id, a.Dice[id], b.Dice[id], a.Iou[id], b.Iou[id], a.Hd95[id], b.Hd95[id])).ToList();
            var report = new CompareReport(Path.GetFullPath(o.ModelA), Path.GetFullPath(o.ModelB), data.Name, perImage.Count, metrics, worst, perImage);
            string json = Path.Combine(o.OutDir, "compare.json"), png = Path.Combine(o.OutDir, "regressed.png");
            ReportJson.Save(json, report);
            grid.Save(png);
            Print(report);
            AnsiConsole.MarkupLine($"report: {Markup.Escape(json)}" + (worst.Count > 0 ? $"   most regressed: {Markup.Escape(png)}" : "   no image regressed in Dice"));
            return (CommandErrors.Ok, report);
        }
        finally
        {
            (data as IDisposable)?.Dispose();
        }
    }

    private sealed record Scored(PreparedDataset Prepared, Dictionary<string, int> Index, Dictionary<string, byte[]> Predictions,
                                 Dictionary<string, double> Dice, Dictionary<string, double> Iou, Dictionary<string, double> Hd95);

    /// <summary>One model over every image: a .ckpt on the TorchSharp engine (its module forward), a .onnx on ONNX Runtime.</summary>
    private static Scored Score(string path, ISegmentationDataset data, CompareOptions o, CancellationToken ct)
    {
        var request = new EngineRequest { Model = path, Device = o.Device, Threads = o.Threads, MaxBatch = o.BatchSize };
        using var model = EvaluatedModel.Open(request with { Engine = request.IsOnnxFile ? EngineKind.Onnx : EngineKind.Torch },
                                              static m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]"));
        var classes = model.Contract.ClassNames;
        if (data.ClassNames.Count != classes.Count)
            throw new ArgumentException($"{data.Name} has {data.ClassNames.Count} classes but {path} was trained for {classes.Count}");
        var all = Enumerable.Range(0, data.Count).ToList();
        var plan = model.PlanFor(data, all);
        PreparedDataset prepared;
        using (var preprocessor = new Preprocessor(plan.Input))
            prepared = new PreparedDataset(data, all, preprocessor, null, ct, keepNativeMasks: true);
        var predictions = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var windows = EvaluatedModel.Windows(plan);
        var result = AnsiConsole.Status().Start($"{Markup.Escape(Path.GetFileName(path))}: {prepared.Count} images…", _ =>
            Evaluator.Evaluate(model.Engine, prepared, model.Contract.Threshold, model.Loss, o.BatchSize, classes, hd95: true,
                (i, pred, _) => predictions[prepared.Id(i)] = pred, ct, windows));
        var index = Enumerable.Range(0, prepared.Count).ToDictionary(prepared.Id, i => i, StringComparer.Ordinal);
        Dictionary<string, double> Per(Func<ClassMetrics, double> f) => result.Images.ToDictionary(
            static m => m.Id, m => Mean(m.Classes.Select(f)), StringComparer.Ordinal);
        return new Scored(prepared, index, predictions, Per(static c => c.Dice), Per(static c => c.Iou), Per(static c => c.Hd95));
    }

    /// <summary>Mean of the finite values; NaN when none is (HD95 undefined for every class).</summary>
    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length > 0 ? finite.Average() : double.NaN;
    }

    private static byte[] MaskResize(byte[] ids, PreparedDataset from, PreparedDataset to)
    {
        if (from.Width == to.Width && from.Height == to.Height) return ids;
        var resized = new byte[to.Width * to.Height];
        MedSeg.Core.Recording.MaskResize.NearestExact(ids, from.Width, from.Height, resized, to.Width, to.Height);
        return resized;
    }

    private static void Print(CompareReport r)
    {
        var t = new Table().Title($"{Markup.Escape(r.Dataset)}: B − A over {r.Images} paired images")
            .AddColumns("metric", "A", "B", "B − A", "better / worse", "Wilcoxon W", "p", "test");
        foreach (var m in r.Metrics)
        {
            string colour = m.Test.PValue < 0.05 ? ((m.MeanDifference > 0) == m.HigherIsBetter ? "green" : "red") : "grey";
            t.AddRow(m.Metric, $"{m.MeanA:F4}", $"{m.MeanB:F4}", $"[{colour}]{m.MeanDifference:+0.0000;-0.0000;0}[/]", $"{m.Improved} / {m.Regressed}",
                     $"{m.Test.Statistic:G6}", $"[{colour}]{m.Test.PValue:G3}[/]", m.Test.Exact ? $"exact, n={m.Test.N}" : $"normal, n={m.Test.N}, z={m.Test.Z:F2}");
        }
        AnsiConsole.Write(t);
        if (r.MostRegressed.Count > 0) AnsiConsole.MarkupLine($"most regressed (Dice): {Markup.Escape(string.Join(", ", r.MostRegressed))}");
    }
}
