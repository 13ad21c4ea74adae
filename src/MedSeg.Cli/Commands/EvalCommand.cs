using System.CommandLine;
using MedSeg.Cli.Engines;
using MedSeg.Cli.Reports;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>Which samples `eval` scores.</summary>
public enum EvalSubset { Auto, All, Val, Train }

public sealed record EvalOptions
{
    public required string Model { get; init; }
    public required string Data { get; init; }
    public string? Layout { get; init; }
    public required string OutDir { get; init; }
    public bool SkipBad { get; init; }
    public EvalSubset Subset { get; init; } = EvalSubset.Auto;
    public double? Threshold { get; init; }
    public int Samples { get; init; } = 8;
    public int BatchSize { get; init; } = 8;
    public string Device { get; init; } = "auto";
    public int Threads { get; init; }
    /// <summary>auto | torch | onnx: which runtime runs the network (the scoring is the same).</summary>
    public string Engine { get; init; } = "auto";
}

/// <summary>`medseg eval`: per-image and aggregate metrics, a terminal table, a JSON report and a PNG grid.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Checkpoint (best.ckpt from `medseg train`; `best` / `last`: runs/train/best.ckpt / last.ckpt) or ONNX model " +
                          "(export-onnx, or a foreign one with MODEL.onnx.json); images larger than a .onnx input are tiled",
            Required = true,
        };
        var data = CommonOptions.Data();
        var layout = CommonOptions.Layout();
        var skipBad = CommonOptions.SkipBad();
        var output = CommonOptions.Out("runs/eval");
        var subset = new Option<EvalSubset>("--subset")
        {
            Description = "Auto: the validation split when --data is the training data and split.json sits beside the checkpoint, else All",
            DefaultValueFactory = _ => EvalSubset.Auto,
        };
        var threshold = new Option<double?>("--threshold") { Description = "Probability threshold for binary masks (default: the checkpoint's, 0.5)" }.Between(0.0, 1.0);
        var samples = new Option<int>("--samples") { Description = "Rows in the PNG grid", DefaultValueFactory = _ => 8 }.Between(0, 1000);
        var batch = new Option<int>("--batch-size") { Description = "Inference batch size", DefaultValueFactory = _ => 8 }.Between(1, 4096);
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var engineKind = SpecFlags.Engine();
        var cmd = new Command("eval", "Evaluate a checkpoint or ONNX model: IoU, Dice, precision, recall, pixel accuracy, HD95 per image and aggregate")
        {
            model, data, layout, skipBad, output, subset, threshold, samples, batch, device, threads, engineKind,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            CommonOptions.EnsureWritableFolder(p.GetValue(output)!);
            return Task.FromResult(Run(new EvalOptions
            {
                Model = p.GetValue(model)!, Data = p.GetValue(data)!, Layout = p.GetValue(layout), OutDir = p.GetValue(output)!,
                SkipBad = p.GetValue(skipBad), Subset = p.GetValue(subset), Threshold = p.GetValue(threshold),
                Samples = p.GetValue(samples), BatchSize = p.GetValue(batch), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                Engine = p.GetValue(engineKind)!,
            }, ct).ExitCode);
        }));
        return cmd;
    }

    public static (int ExitCode, EvalReport Report) Run(EvalOptions o, CancellationToken ct)
    {
        // `--model best` / `--model last`: the checkpoint of the last `medseg train` with its default --out.
        if (o.Model is "best" or "last" && !File.Exists(o.Model)) o = o with { Model = Path.Combine("runs", "train", o.Model + ".ckpt") };
        // The network runs on the chosen engine (a .onnx on ONNX Runtime); the scoring is the same.
        var kind = Enum.Parse<EngineKind>(Pipeline.Session.SpecWords.EngineKind(o.Engine), ignoreCase: true);
        using var model = EvaluatedModel.Open(new EngineRequest
        {
            Model = o.Model, Engine = kind, Device = o.Device, Threads = o.Threads, MaxBatch = o.BatchSize, Threshold = o.Threshold,
        }, static m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]"));
        var classes = model.Contract.ClassNames;
        double threshold = o.Threshold ?? model.Contract.Threshold;

        // Data: the same validation rules as training, then the chosen subset.
        ISegmentationDataset data = DatasetFactory.Open(o.Data, o.Layout);
        if (data.ClassNames.Count != classes.Count)
            throw new ArgumentException($"{data.Name} has {data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames)}) " +
                                        $"but {o.Model} was trained for {classes.Count} ({string.Join(", ", classes)})");
        foreach (string note in data.Notes) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        var bad = DatasetValidator.Validate(data, null, ct);
        if (bad.Count > 0 && !o.SkipBad) throw new BadDataException(bad, data.Count);
        var badIdx = bad.Select(static b => b.Index).ToHashSet();
        var (indices, subsetName) = SelectSubset(o, model.TrainingData, data, badIdx);

        var plan = model.PlanFor(data, indices);
        PreparedDataset prepared;
        using (var preprocessor = new Preprocessor(plan.Input))
            prepared = new PreparedDataset(data, indices, preprocessor, null, ct, keepNativeMasks: true);
        AnsiConsole.MarkupLine($"[grey]inference: {Markup.Escape(model.Engine.Description.Device)}[/]");
        var grid = new EvalGrid();
        int every = Math.Max(1, prepared.Count / Math.Max(1, o.Samples));
        // A patch model (a patch-trained checkpoint, or a .onnx that says inference: sliding-window) is segmented by Gaussian-weighted sliding windows.
        using var windows = EvaluatedModel.Windows(plan);
        if (windows is not null)
            AnsiConsole.MarkupLine($"[grey]tiled inference: {prepared.Width}×{prepared.Height} images in windows of {windows.PatchWidth}×{windows.PatchHeight}[/]");
        var result = AnsiConsole.Status().Start($"evaluating {prepared.Count} images…", _ =>
            Evaluator.Evaluate(model.Engine, prepared, threshold, model.Loss, o.BatchSize, classes, hd95: true,
                (i, pred, _) => { if (i % every == 0 && grid.Count < o.Samples) grid.Add(prepared, i, pred); }, ct, windows));

        var report = new EvalReport(Path.GetFullPath(o.Model), Checkpoint.Hash(o.Model), model.Contract.Model, data.Name, subsetName, threshold,
            prepared.Count, bad.Count, result.Summary, result.Images.Select(EvalImage.From).ToList(), EvalReport.StandardConventions);
        string json = Path.Combine(o.OutDir, "report.json"), png = Path.Combine(o.OutDir, "samples.png");
        report.Save(json);
        grid.Save(png);
        Print(report);
        AnsiConsole.MarkupLine($"report: {Markup.Escape(json)}   samples: {Markup.Escape(png)}");
        return (CommandErrors.Ok, report);
    }

    /// <param name="trainingData">the checkpoint's training data spec; null (a .onnx): unknown.</param>
    private static (IReadOnlyList<int> Indices, string Name) SelectSubset(EvalOptions o, string? trainingData, ISegmentationDataset data, HashSet<int> bad)
    {
        string splitPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(o.Model))!, "split.json");
        var subset = o.Subset;
        if (subset == EvalSubset.Auto)
            subset = File.Exists(splitPath) && trainingData is not null && string.Equals(trainingData, o.Data, StringComparison.Ordinal) ? EvalSubset.Val : EvalSubset.All;
        var usable = Enumerable.Range(0, data.Count).Where(i => !bad.Contains(i));
        if (subset == EvalSubset.All) return (usable.ToList(), "all");
        if (!File.Exists(splitPath)) throw new FileNotFoundException($"--subset {subset} needs {splitPath} (written by `medseg train`)", splitPath);
        var split = DatasetSplit.Load(splitPath);
        var wanted = (subset == EvalSubset.Val ? split.ValIds : split.TrainIds).ToHashSet(StringComparer.Ordinal);
        var picked = usable.Where(i => wanted.Contains(data.Describe(i).Id)).ToList();
        if (picked.Count == 0) throw new ArgumentException($"none of the {subset} ids in {splitPath} are in {data.Name}");
        return (picked, subset.ToString().ToLowerInvariant());
    }

    private static void Print(EvalReport r)
    {
        var s = r.Summary;
        var t = new Table().Title($"{Markup.Escape(r.Dataset)} ({r.Subset}, {r.Images} images, threshold {r.Threshold})")
            .AddColumns("class", "IoU", "Dice", "precision", "recall", "HD95 px", "both empty");
        foreach (var c in s.Classes)
            t.AddRow(Markup.Escape(c.Name), $"{c.IouMean:F4} ± {c.IouStd:F4}", $"{c.DiceMean:F4} ± {c.DiceStd:F4}", $"{c.PrecisionMean:F4}",
                     $"{c.RecallMean:F4}", c.Hd95Undefined > 0 ? $"{c.Hd95Mean:F2} ({c.Hd95Undefined} undef.)" : $"{c.Hd95Mean:F2}", $"{c.BothEmptyCount}");
        t.AddRow("[bold]mean[/]", $"[bold]{s.MeanIou:F4}[/]", $"[bold]{s.MeanDice:F4}[/]", $"{s.MeanPrecision:F4}", $"{s.MeanRecall:F4}", $"{s.MeanHd95:F2}", "");
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"pixel accuracy {s.PixelAccuracy:F4}");
        int bothEmpty = s.Classes.Sum(static c => c.BothEmptyCount);
        if (bothEmpty > 0)
            AnsiConsole.MarkupLine($"[grey]{bothEmpty} image/class pairs had neither prediction nor ground truth; they count as perfect (IoU = Dice = 1).[/]");
    }
}
