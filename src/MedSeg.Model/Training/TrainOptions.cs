using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Model.Training;

/// <summary>None: constant; Plateau: halve on stalls; Cosine / Poly: anneal over the planned steps (after any warm-up).</summary>
public enum LrSchedule { None, Plateau, Cosine, Poly }

/// <summary>After the validated run: None keeps its best checkpoint; Refit retrains on all samples for its selected number of steps.</summary>
public enum FinalFit { None, Refit }

/// <summary>Metric that picks the best checkpoint and drives early stopping and the plateau schedule.</summary>
public enum SelectionMetric { Dice, Iou, Loss }

/// <summary>Everything `medseg train` can be told; validated once before any work starts.</summary>
public sealed record TrainOptions
{
    public required string Data { get; init; }
    public string? Layout { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Skip unusable samples (and count them) instead of stopping before training.</summary>
    public bool SkipBad { get; init; }
    /// <summary>Architecture; InChannels and ClassNames are filled in from the data and the preprocessing.</summary>
    public UNetOptions Model { get; init; } = new() { BaseWidth = 16 };
    public PreprocessOptions Preprocess { get; init; } = new();
    /// <summary>With DatasetStats normalization, fit its numbers on the training split (false: the plan already fitted them on the foreground).</summary>
    public bool FitDatasetStatistics { get; init; } = true;
    public AugmentOptions Augment { get; init; } = new();
    public int Epochs { get; init; } = 20;
    /// <summary>Optimizer steps per epoch whatever the data set's size; 0 = one pass over the training split.</summary>
    public int StepsPerEpoch { get; init; }
    /// <summary>Steps of linear learning-rate warm-up from 1 % of the rate.</summary>
    public int WarmupSteps { get; init; }
    /// <summary>Square training patch cut from the prepared image; null trains on whole images.</summary>
    public int? Patch { get; init; }
    /// <summary>
    /// Share of each batch drawn class-aware (nnU-Net: 0.33): a uniformly chosen foreground class, a
    /// sample holding it, the patch centred on one of its pixels; the rest are queued samples at random positions.
    /// </summary>
    public double ForegroundOversample { get; init; }
    /// <summary>No best checkpoint and no early stop before this epoch: batch-norm statistics and the schedule must settle first.</summary>
    public int SettleEpochs { get; init; }
    /// <summary>Weight of the history in the validation metric's moving average (0 = raw metric).</summary>
    public double MetricSmoothing { get; init; }
    public int BatchSize { get; init; } = 8;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    /// <summary>Null: BCE+Dice for binary tasks, CE+Dice for multi-class.</summary>
    public LossKind? Loss { get; init; }
    /// <summary>The Dice term per class over the whole batch rather than per image (nnU-Net's 2-D choice; <see cref="Losses.DiceLoss"/>).</summary>
    public bool BatchDice { get; init; }
    /// <summary>The class a binary task's Dice term scores (<see cref="Model.BinaryDice"/>).</summary>
    public BinaryDice BinaryDice { get; init; }
    public LrSchedule Schedule { get; init; } = LrSchedule.Plateau;
    /// <summary>Plateau schedule: epochs without improvement before the rate is halved.</summary>
    public int SchedulePatience { get; init; } = 3;
    public SelectionMetric Metric { get; init; } = SelectionMetric.Dice;
    /// <summary>Stop after this many epochs without improvement; 0 never stops early.</summary>
    public int Patience { get; init; } = 8;
    public double MinDelta { get; init; } = 1e-4;
    public double ValFraction { get; init; } = 0.2;
    /// <summary>
    /// Validation samples scored each epoch, evenly spaced over the validation split (the same ones
    /// every epoch, so the metric is comparable); 0 scores all of them. nnU-Net likewise validates on a
    /// fixed number of batches per epoch: on a large set, scoring every validation image each epoch would cost more than the steps.
    /// </summary>
    public int ValidationSamples { get; init; }
    /// <summary>What follows the validated run (planned: Refit for small data sets).</summary>
    public FinalFit Final { get; init; }
    public int Seed { get; init; } = 1;
    public double Threshold { get; init; } = 0.5;
    /// <summary>Binary heads: after training, choose the threshold on the validation split (<see cref="ThresholdTuner"/>); planned, off with --threshold.</summary>
    public bool TuneThreshold { get; init; }
    /// <summary>A planned run's time for its steps and validations: the steps per epoch follow the measured times to hold it (<see cref="StepGovernor"/>); null: fixed steps.</summary>
    public double? TimeTargetSeconds { get; init; }
    /// <summary>The plan's step floor, which <see cref="StepGovernor"/> does not go below.</summary>
    public int MinSteps { get; init; }
    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp <see cref="TimeTargetSeconds"/> counts from (the command's start, so planning counts); null: when training starts.</summary>
    public long? StartedAt { get; init; }
    /// <summary>A checkpoint (usually last.ckpt) to continue from.</summary>
    public string? Resume { get; init; }
    public string Device { get; init; } = "auto";
    /// <summary>Torch intra-op threads; 0 keeps libtorch's default (one per core).</summary>
    public int Threads { get; init; }

    public TrainOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Data)) throw new ArgumentException("--data is required");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be ≥ 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be ≥ 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0");
        if (ValFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValFraction), ValFraction, "must be in (0, 1)");
        if (ValidationSamples < 0) throw new ArgumentOutOfRangeException(nameof(ValidationSamples), ValidationSamples, "must be ≥ 0 (0 = all)");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "must be ≥ 0");
        if (StepsPerEpoch < 0) throw new ArgumentOutOfRangeException(nameof(StepsPerEpoch), StepsPerEpoch, "must be ≥ 0");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "must be ≥ 0");
        if (ForegroundOversample is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(ForegroundOversample), ForegroundOversample, "must be in [0, 1]");
        if (MetricSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(MetricSmoothing), MetricSmoothing, "must be in [0, 1)");
        if (Patch is { } patch && (patch % Model.SizeMultiple != 0 || patch > Math.Min(Preprocess.Width, Preprocess.Height)))
            throw new ArgumentOutOfRangeException(nameof(Patch), patch, $"must be a multiple of {Model.SizeMultiple} no larger than the input {Preprocess.Width}×{Preprocess.Height}");
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        CheckInputSize(Preprocess.Width, Preprocess.Height, Model);
        Preprocess.Validate();
        return this;
    }

    /// <summary>Refuses an input size the U-Net cannot take (each side a multiple of 2^depth), naming the nearest sizes that work.</summary>
    public static void CheckInputSize(int width, int height, UNetOptions model)
    {
        int multiple = model.SizeMultiple;
        if (width % multiple == 0 && height % multiple == 0) return;
        int side = width % multiple != 0 ? width : height;
        int below = side / multiple * multiple, above = below + multiple;
        string nearest = below >= multiple ? $"{below} or {above}" : $"{above}";
        throw new ArgumentOutOfRangeException(nameof(Preprocess), $"{width}×{height}",
            $"image size must be divisible by {multiple} for a depth-{model.Depth} U-Net (allowed: multiples of {multiple}, e.g. {nearest})");
    }
}
