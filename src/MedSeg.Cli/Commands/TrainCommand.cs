using MedSeg.Cli.Engines;
using System.CommandLine;
using MedSeg.Cli.Reports;
using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Planning;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>`medseg train`: parses options into <see cref="TrainOptions"/>, runs the trainer, writes curves.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var layout = CommonOptions.Layout();
        var skipBad = CommonOptions.SkipBad();
        var output = CommonOptions.Out("runs/train");
        // Flags without a default here are planned (`medseg plan`); given, they override the plan
        // and the plan says so. With --no-plan the old fixed defaults apply (shown in brackets).
        var noPlan = new Option<bool>("--no-plan") { Description = "Skip planning: fixed defaults instead of values derived from the data" };
        var budget = PlanCommand.Budget();
        var epochs = new Option<int?>("--epochs") { Description = "Maximum epochs (planned; [20])" }.Between(1, 100_000);
        var steps = new Option<int?>("--steps-per-epoch") { Description = "Optimizer steps per epoch, whatever the data set size (planned; [0] = one pass)" }.Between(0, 1_000_000);
        var warmup = new Option<int?>("--warmup") { Description = "Learning-rate warm-up steps (planned; [0])" }.Between(0, 10_000_000);
        var patch = new Option<int?>("--patch") { Description = "Square training patch cut from the input, sliding-window inference (planned; [whole image])" }.Between(8, 8192);
        var batch = new Option<int?>("--batch-size") { Description = "Batch size (planned; [8])" }.Between(1, 4096);
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (planned; [1e-3])" }.Between(1e-9, 10.0);
        var wd = new Option<double>("--weight-decay") { Description = "Adam weight decay", DefaultValueFactory = _ => 0 }.Between(0.0, 1.0);
        var loss = new Option<string?>("--loss") { Description = "bce | dice | bce+dice | ce | ce+dice (default: bce+dice binary, ce+dice multi-class)" };
        loss.AcceptOnlyFromAmong("bce", "dice", "bce+dice", "ce", "ce+dice");
        var diceOn = new Option<BinaryDice?>("--dice-on") { Description = "Binary tasks: the class the Dice term scores, Foreground | Background | Both (planned: the minority class)" };
        var batchDice = new Option<bool?>("--batch-dice") { Description = "Dice term per class over the whole batch instead of per image: true | false (planned: false)" };
        var oversample = new Option<double?>("--oversample") { Description = "Share of each batch drawn class-aware: a uniformly chosen foreground class, a sample holding it, a patch centred on it (planned: 0.33; [0])" }.Between(0.0, 1.0);
        var schedule = new Option<LrSchedule?>("--schedule") { Description = "Learning-rate schedule: None | Plateau | Cosine | Poly (planned: Poly; [Plateau])" };
        var metric = new Option<SelectionMetric>("--metric") { Description = "Validation metric for the best checkpoint and early stopping", DefaultValueFactory = _ => SelectionMetric.Dice };
        var patience = new Option<int?>("--patience") { Description = "Early stopping: epochs without improvement, 0 = off (planned; [8])" }.Between(0, 100_000);
        var valFraction = new Option<double>("--val-fraction") { Description = "Share of samples (or patients) held out for validation", DefaultValueFactory = _ => 0.2 }.Between(0.01, 0.9);
        var valSamples = new Option<int?>("--val-samples") { Description = "Validation samples scored each epoch, evenly spaced over the split (planned: all, or a subset when validation would take > 20 % of the budget; 0 = all)" }.Between(0, 100_000_000);
        var seed = new Option<int>("--seed") { Description = "Seed for split, shuffling, augmentation and weights", DefaultValueFactory = _ => 1 };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (e.g. runs/x/last.ckpt)" };
        var size = new Option<string?>("--size") { Description = "Network input size: N or WxH, divisible by 2^depth (planned: native; [128])" };
        var color = new Option<string>("--color") { Description = "gray | rgb | hsv", DefaultValueFactory = _ => "gray" };
        var norm = new Option<string?>("--norm") { Description = "unit (0–1) | zscore (per image) | zscore-nonzero (per image, non-zero pixels; skull-stripped MRI) | window (--window) | dataset (nnU-Net CT statistics) (planned by data kind; [unit])" };
        var window = new Option<string?>("--window") { Description = "Intensity window LOW,HIGH for --norm window (e.g. CT HU: -160,240)" };
        var median = new Option<int>("--median-blur") { Description = "Median blur aperture (odd ≥ 3; 0 = off)", DefaultValueFactory = _ => 0 }.Between(0, 255);
        var depth = new Option<int>("--depth") { Description = "U-Net depth (down-sampling steps)", DefaultValueFactory = _ => 4 }.Between(1, 6);
        var width = new Option<int>("--base") { Description = "Channels of the first block (classic U-Net: 64)", DefaultValueFactory = _ => 16 }.Between(1, 1024);
        var noBn = new Option<bool>("--no-batchnorm") { Description = "Plain convolutions without batch norm" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout2d after each block", DefaultValueFactory = _ => 0 }.Between(0.0, 0.95);
        var upsample = new Option<Upsampling>("--upsample") { Description = "Transposed | Bilinear", DefaultValueFactory = _ => Upsampling.Transposed };
        var noAugment = new Option<bool>("--no-augment") { Description = "Disable augmentation" };
        var vflip = new Option<double?>("--vflip") { Description = "Vertical flip probability (planned: 0.5; [0])" }.Between(0.0, 1.0);
        var rotate = new Option<double?>("--rotate") { Description = "Max rotation in degrees (planned; [15])" }.Between(0.0, 180.0);
        var threshold = new Option<double?>("--threshold") { Description = "Probability threshold for binary masks (planned: chosen on the validation split after training; [0.5])" }.Between(0.0, 1.0);
        var final = Final();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();

        var cmd = new Command("train", "Train a U-Net: augmentation, Adam, BCE/Dice, LR schedule, best checkpoint, early stopping, curves")
        {
            data, layout, skipBad, output, noPlan, budget, epochs, steps, warmup, patch, batch, lr, wd, loss, batchDice, diceOn, oversample, schedule, metric, patience, valFraction, valSamples, final, seed, resume,
            size, color, norm, window, median, depth, width, noBn, dropout, upsample, noAugment, vflip, rotate, threshold, device, threads,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            var model = new UNetOptions
            {
                Depth = p.GetValue(depth), BaseWidth = p.GetValue(width), BatchNorm = !p.GetValue(noBn),
                Dropout = p.GetValue(dropout), Upsampling = p.GetValue(upsample),
            };
            var options = new TrainOptions
            {
                Data = p.GetValue(data)!, Layout = p.GetValue(layout), SkipBad = p.GetValue(skipBad), OutDir = p.GetValue(output)!,
                WeightDecay = p.GetValue(wd), Loss = p.GetValue(loss) is { } l ? Losses.Parse(l) : null, Metric = p.GetValue(metric),
                ValFraction = p.GetValue(valFraction), Seed = p.GetValue(seed), Resume = p.GetValue(resume), Threshold = p.GetValue(threshold) ?? 0.5,
                Device = p.GetValue(device)!, Threads = p.GetValue(threads), Model = model,
                Preprocess = new PreprocessOptions { Color = CommonOptions.ParseColor(p.GetValue(color)!), MedianBlur = p.GetValue(median) },
            };
            // A bad --size is refused before planning spends seconds timing steps on the data.
            if (p.GetValue(size) is { } givenSize)
            {
                var (w, h) = CommonOptions.ParseSize(givenSize);
                TrainOptions.CheckInputSize(w, h, model);
            }
            TrainingPlan? plan = null;
            if (!p.GetValue(noPlan) && options.Resume is null)
            {
                plan = PlanCommand.Make(options.Data, options.Layout, new PlannerOptions { BudgetSeconds = p.GetValue(budget), Model = model, Final = ParseFinal(p.GetValue(final)), ValFraction = p.GetValue(valFraction) },
                                        options.Device, options.Threads, ct);
                options = plan.ApplyTo(options);
            }
            else if (options.Resume is { } r && Path.Combine(Path.GetDirectoryName(Path.GetFullPath(r))!, "plan.json") is var saved && File.Exists(saved) && !p.GetValue(noPlan))
            {
                options = TrainingPlan.Load(saved).ApplyTo(options); // a resumed run continues its own plan
            }
            else
            {
                options = options with { Preprocess = options.Preprocess with { Width = 128, Height = 128 } };
            }

            // 2. The user's flags win over the plan; each one that replaced a planned value is named.
            var overridden = new List<string>();
            T Take<T>(string flag, T? given, T current) where T : struct
            {
                if (given is not { } v) return current;
                overridden.Add(flag);
                return v;
            }
            var pre = options.Preprocess;
            if (p.GetValue(size) is { } sz)
            {
                var (w, h) = CommonOptions.ParseSize(sz);
                pre = pre with { Width = w, Height = h };
                overridden.Add("--size");
            }
            // A bad --window is refused even without --norm window, which alone would use it.
            if (p.GetValue(window) is { } givenWindow) CommonOptions.ParseWindow(givenWindow);
            if (p.GetValue(norm) is { } ns)
            {
                var n = CommonOptions.ParseNorm(ns);
                var (wl, wh) = p.GetValue(window) is { } ws ? CommonOptions.ParseWindow(ws) : (0d, 1d);
                if (n == Normalization.Window && p.GetValue(window) == null) throw new ArgumentException("--norm window needs --window LOW,HIGH");
                // Asked for by flag, DatasetStats numbers are fitted by the trainer (on whole images).
                pre = pre with { Normalization = n, WindowLow = wl, WindowHigh = wh };
                options = options with { FitDatasetStatistics = true };
                overridden.Add("--norm");
            }
            var augment = p.GetValue(noAugment) ? AugmentOptions.None : options.Augment;
            if (p.GetValue(noAugment)) overridden.Add("--no-augment");
            else augment = augment with { VerticalFlip = Take("--vflip", p.GetValue(vflip), augment.VerticalFlip), RotateDegrees = Take("--rotate", p.GetValue(rotate), augment.RotateDegrees) };
            options = options with
            {
                Preprocess = pre, Augment = augment,
                Epochs = Take("--epochs", p.GetValue(epochs), options.Epochs),
                StepsPerEpoch = Take("--steps-per-epoch", p.GetValue(steps), options.StepsPerEpoch),
                WarmupSteps = Take("--warmup", p.GetValue(warmup), options.WarmupSteps),
                BatchSize = Take("--batch-size", p.GetValue(batch), options.BatchSize),
                LearningRate = Take("--lr", p.GetValue(lr), options.LearningRate),
                Schedule = Take("--schedule", p.GetValue(schedule), options.Schedule),
                Patience = Take("--patience", p.GetValue(patience), options.Patience),
                BatchDice = Take("--batch-dice", p.GetValue(batchDice), options.BatchDice),
                BinaryDice = Take("--dice-on", p.GetValue(diceOn), options.BinaryDice),
                ForegroundOversample = Take("--oversample", p.GetValue(oversample), options.ForegroundOversample),
                ValidationSamples = Take("--val-samples", p.GetValue(valSamples), options.ValidationSamples),
            };
            // Step counts given by hand are kept as given; a planned count follows the run's measured time.
            if (p.GetValue(epochs) is not null || p.GetValue(steps) is not null) options = options with { TimeTargetSeconds = null };
            // The budget covers the whole command: the run's target counts from here, planning included.
            else options = options with { StartedAt = started };
            if (p.GetValue(threshold) is not null)
            {
                options = options with { TuneThreshold = false };
                if (plan?.TuneThreshold == true) overridden.Add("--threshold");
            }
            // Fewer epochs than planned (--epochs): selection still starts a third of the way in.
            options = options with { SettleEpochs = Math.Min(options.SettleEpochs, Math.Max(1, (options.Epochs + 2) / 3)) };
            if (ParseFinal(p.GetValue(final)) is { } fin)
            {
                options = options with { Final = fin };
                overridden.Add("--final");
            }
            if (p.GetValue(patch) is { } pt)
            {
                options = options with { Patch = pt >= Math.Min(pre.Width, pre.Height) ? null : pt };
                overridden.Add("--patch");
            }
            else if (options.Patch is { } planned && planned >= Math.Min(pre.Width, pre.Height))
            {
                options = options with { Patch = null }; // --size made the input no larger than the planned patch: whole images
            }
            if (plan != null)
            {
                plan = plan.As(options) with { Overridden = overridden };
                string json = Path.Combine(options.OutDir, "plan.json");
                plan.Save(json);
                PlanTable.Print(plan, json);
            }
            return Task.FromResult(Run(options, ct));
        }));
        return cmd;
    }

    public static Option<string?> Final() => new("--final")
    {
        Description = "After the validated run: refit (retrain on all samples for its selected steps) | none (planned: refit for small sets; [none])",
    };

    /// <summary>refit | none; k-fold is named and refused with the reason.</summary>
    public static FinalFit? ParseFinal(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "refit" => FinalFit.Refit,
        "none" => FinalFit.None,
        var v when v.StartsWith("kfold", StringComparison.Ordinal) => throw new ArgumentException(
            $"--final {value}: k-fold ensembles are not supported: within one time budget each fold would get 1/k of the steps, and an ensemble " +
            "costs k forward passes per frame in a real-time stream (checkpoints, ONNX export and engines carry one network); use refit or none"),
        _ => throw new ArgumentException($"--final {value}: expected refit or none"),
    };

    /// <summary>Trains and reports; shared with `medseg demo`.</summary>
    public static int Run(TrainOptions options, CancellationToken ct)
    {
        // Validation runs on ONNX Runtime, which segments the same weights about 3× faster on the CPU.
        var result = ConsoleTrainingObserver.Run(options, ct, new OnnxValidationEngines(options.Threads));
        string curves = TrainingCurves.Write(options.OutDir, result.History);
        var table = new Table().AddColumns("epoch", "train loss", "val loss", "val Dice", "val IoU", "lr", "s");
        foreach (var r in result.History.TakeLast(5))
            table.AddRow($"{r.Epoch}{(r.Best ? "*" : "")}", $"{r.TrainLoss:F4}", $"{r.ValLoss:F4}", $"{r.ValDice:F4}", $"{r.ValIou:F4}", $"{r.LearningRate:G3}", $"{r.Seconds:F1}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"best val {result.Metric.ToLowerInvariant()} [green]{result.BestValue:F4}[/] at epoch {result.BestEpoch}" +
                               (result.StoppedEarly ? " (stopped early)" : "") +
                               (result.SkippedSamples > 0 ? $"; {result.SkippedSamples} bad samples skipped" : ""));
        if (result.RefitSteps > 0)
            AnsiConsole.MarkupLine($"refit: {result.RefitSteps} steps on all {result.RefitSamples} samples → best.ckpt (the validated run's pick: validated.ckpt)");
        AnsiConsole.MarkupLine($"checkpoint: {Markup.Escape(result.BestCheckpoint)}   log: {Markup.Escape(Path.Combine(options.OutDir, "log.csv"))}   curves: {Markup.Escape(curves)}");
        return CommandErrors.Ok;
    }
}
