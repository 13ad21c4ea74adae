using System.Text.Json;
using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Model.Planning;

/// <summary>
/// The training recipe <see cref="Planner"/> derived from a <see cref="DatasetFingerprint"/>, with
/// the reason for each choice, what the user overrode and the measured cost on this machine.
/// Written as plan.json beside the checkpoint.
/// </summary>
public sealed record TrainingPlan
{
    public required string DataKind { get; init; }
    public required DatasetFingerprint Fingerprint { get; init; }
    /// <summary>Network input (the prepared image) size.</summary>
    public required int InputWidth { get; init; }
    public required int InputHeight { get; init; }
    /// <summary>Square training patch cut from the input, with sliding-window inference; 0 trains and infers on whole images.</summary>
    public required int Patch { get; init; }
    public bool Tiled => Patch > 0;
    public required PreprocessOptions Preprocess { get; init; }
    public required int BatchSize { get; init; }
    public required AugmentOptions Augment { get; init; }
    public required string Loss { get; init; }
    /// <summary>The Dice term per class over the whole batch (nnU-Net's 2-D choice) rather than per image.</summary>
    public bool BatchDice { get; init; }
    /// <summary>The class a binary task's Dice term scores: the minority one (<see cref="Model.BinaryDice"/>).</summary>
    public BinaryDice BinaryDice { get; init; }
    public required double LearningRate { get; init; }
    public required string Schedule { get; init; }
    public required int Steps { get; init; }
    public required int StepsPerEpoch { get; init; }
    public int Epochs => (Steps + StepsPerEpoch - 1) / StepsPerEpoch;
    public required int WarmupSteps { get; init; }
    public required int SettleEpochs { get; init; }
    /// <summary>Share of each batch sampled class-aware: a uniformly chosen foreground class, a sample holding it, a patch centred on it (<see cref="Training.BatchSampler"/>).</summary>
    public required double ForegroundOversample { get; init; }
    /// <summary>Measured seconds per optimizer step at this patch and batch size, on this machine.</summary>
    public required double SecondsPerStep { get; init; }
    /// <summary>Measured milliseconds to segment one frame at the input size (tiled when the patch is smaller).</summary>
    public required double InferenceMsPerFrame { get; init; }
    /// <summary>Validation samples scored per epoch (an evenly spaced subset of the split); 0 = all of them.</summary>
    public int ValidationSamples { get; init; }
    /// <summary>The validation's share of the budget: samples scored × inference time × epochs.</summary>
    public double EstimatedValidationSeconds { get; init; }
    /// <summary>Binary heads: the probability threshold is chosen after training on the validation split (<see cref="Training.ThresholdTuner"/>).</summary>
    public bool TuneThreshold { get; init; }
    /// <summary>The planner's step floor (a slow machine gets at least this many steps, over the budget if need be).</summary>
    public int MinSteps { get; init; }
    /// <summary>The planner's budget (--budget): the whole train command's time, planning and loading included, unless the step floor needs more.</summary>
    public double BudgetSeconds { get; init; }
    /// <summary>The planned time of the validated run's steps and validations, which the run is held to (<see cref="Training.StepGovernor"/>).</summary>
    public double PlannedLoopSeconds => Steps * SecondsPerStep + EstimatedValidationSeconds;
    /// <summary>What follows the validated run: Refit (small sets) retrains on all samples for the selected steps.</summary>
    public Training.FinalFit Final { get; init; }
    /// <summary>Upper bound of the optimizer steps' time: the validated run plus a refit of at most as many steps.</summary>
    public double EstimatedTrainSeconds => Steps * SecondsPerStep * (Final == Training.FinalFit.Refit ? 2 : 1);
    public IReadOnlyList<string> Reasons { get; init; } = [];
    /// <summary>Plan values the user's flags replaced.</summary>
    public IReadOnlyList<string> Overridden { get; init; } = [];

    /// <summary>The plan as training options: <paramref name="o"/> with every planned value set.</summary>
    public Training.TrainOptions ApplyTo(Training.TrainOptions o) => o with
    {
        Preprocess = Preprocess with { Color = o.Preprocess.Color == ColorMode.Hsv ? ColorMode.Hsv : Preprocess.Color, MedianBlur = o.Preprocess.MedianBlur },
        BatchSize = BatchSize,
        Augment = Augment,
        LearningRate = LearningRate,
        Schedule = Enum.TryParse<Training.LrSchedule>(Schedule, ignoreCase: true, out var schedule) ? schedule : Training.LrSchedule.Poly,
        Epochs = Epochs,
        StepsPerEpoch = StepsPerEpoch,
        WarmupSteps = WarmupSteps,
        Patch = Tiled ? Patch : null,
        ForegroundOversample = ForegroundOversample,
        BatchDice = BatchDice,
        BinaryDice = BinaryDice,
        SettleEpochs = SettleEpochs,
        MetricSmoothing = 0.5,
        Patience = Math.Max(3, Epochs / 3),
        FitDatasetStatistics = false,
        Final = Final,
        ValidationSamples = ValidationSamples,
        TuneThreshold = TuneThreshold,
        // The budget (half of it before a refit, which repeats the selected steps), unless the step floor
        // planned more (a slow machine) or the plan predates the field.
        TimeTargetSeconds = BudgetSeconds > 0 && Steps > MinSteps ? BudgetSeconds / (Final == Training.FinalFit.Refit ? 2 : 1) : PlannedLoopSeconds > 0 ? PlannedLoopSeconds : null,
        MinSteps = MinSteps,
    };

    /// <summary>
    /// The plan as the run will use it: the values <paramref name="o"/> trains with (the plan after
    /// the user's flags), so plan.json and the table show what ran, and a resume continues it. The
    /// measured costs stay those of the planned input; a note says so when a flag changed what they
    /// were measured for.
    /// </summary>
    public TrainingPlan As(Training.TrainOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var effective = this with
        {
            InputWidth = o.Preprocess.Width, InputHeight = o.Preprocess.Height, Patch = o.Patch ?? 0, Preprocess = o.Preprocess,
            BatchSize = o.BatchSize, Augment = o.Augment, LearningRate = o.LearningRate, Schedule = o.Schedule.ToString().ToLowerInvariant(),
            WarmupSteps = o.WarmupSteps, SettleEpochs = o.SettleEpochs, ForegroundOversample = o.ForegroundOversample,
            BatchDice = o.BatchDice, BinaryDice = o.BinaryDice, ValidationSamples = o.ValidationSamples, Final = o.Final,
            TuneThreshold = o.TuneThreshold,
        };
        // --steps-per-epoch 0 is one pass over the set, a count the plan does not know: the planned steps stay.
        if (o.StepsPerEpoch > 0) effective = effective with { StepsPerEpoch = o.StepsPerEpoch, Steps = o.Epochs * o.StepsPerEpoch };
        bool costChanged = effective.InputWidth != InputWidth || effective.InputHeight != InputHeight || effective.Patch != Patch || effective.BatchSize != BatchSize;
        return costChanged
            ? effective with { Reasons = [.. Reasons, $"flags changed the input, patch or batch: the cost line was measured for the planned {InputWidth}×{InputHeight}{(Tiled ? $", {Patch}² patches" : "")}, batch {BatchSize}"] }
            : effective;
    }

    public static TrainingPlan Load(string path) =>
        JsonSerializer.Deserialize<TrainingPlan>(File.ReadAllText(path), Checkpoint.JsonOptions)
        ?? throw new InvalidDataException($"{path}: not a training plan");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Core.IO.OutputFile.WriteAllText(path, JsonSerializer.Serialize(this, Checkpoint.JsonOptions));
    }
}
