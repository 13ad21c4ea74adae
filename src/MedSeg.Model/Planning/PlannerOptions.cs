namespace MedSeg.Model.Planning;

/// <summary>The budget and limits a plan must respect.</summary>
public sealed record PlannerOptions
{
    /// <summary>
    /// Wall time of the training run on this machine: the optimizer steps (a final refit's included)
    /// and the validation after each epoch. Planning, loading and preprocessing come on top (seconds).
    /// </summary>
    public double BudgetSeconds { get; init; } = 130;
    /// <summary>The largest share of the budget that validation may take; beyond it each epoch scores a fixed, evenly spaced subset.</summary>
    public double ValidationShare { get; init; } = 0.2;
    /// <summary>Validation samples scored each epoch however slow the inference (a metric needs a few).</summary>
    public int MinValidationSamples { get; init; } = 8;
    /// <summary>The trainer's validation fraction (--val-fraction), for the validation cost.</summary>
    public double ValFraction { get; init; } = 0.2;
    /// <summary>Largest training patch; on 2 CPU cores 256² at batch 4 is a step of about a second.</summary>
    public int MaxPatch { get; init; } = 256;
    /// <summary>Images larger than this on either side are resized down (aspect kept) before patching.</summary>
    public int MaxInput { get; init; } = 1024;
    /// <summary>Inputs over 2 × MaxPatch whose narrowest class is wider than this (pixels) are shrunk until it is this wide...</summary>
    public double CoarseStructureWidth { get; init; } = 32;
    /// <summary>...but never below this on the short side.</summary>
    public int MinCoarseInput { get; init; } = 256;
    /// <summary>Limits of the whole run's optimizer steps (a refit's included).</summary>
    public int MinSteps { get; init; } = 150;
    public int MaxSteps { get; init; } = 4000;
    /// <summary>Validation rounds over the whole run; steps per epoch follow from it.</summary>
    public int Epochs { get; init; } = 12;
    public UNetOptions Model { get; init; } = new() { BaseWidth = 16 };
    /// <summary>Sets of at most this many samples are refitted on all data after the validated run.</summary>
    public int SmallSetSamples { get; init; } = 200;
    /// <summary>A refit is planned only when each phase sees the set at least this many times (below, runs are short of steps, not data).</summary>
    public double MinRefitPasses { get; init; } = 30;
    /// <summary>The user's choice of final phase (--final); null lets the planner choose from the set's size.</summary>
    public Training.FinalFit? Final { get; init; }

    public PlannerOptions Validate()
    {
        if (!(BudgetSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(BudgetSeconds), BudgetSeconds, "must be > 0");
        if (MaxPatch < Model.SizeMultiple) throw new ArgumentOutOfRangeException(nameof(MaxPatch), MaxPatch, $"must be ≥ {Model.SizeMultiple}");
        if (MinSteps < 1 || MaxSteps < MinSteps) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "need 1 ≤ MinSteps ≤ MaxSteps");
        if (MinRefitPasses < 0) throw new ArgumentOutOfRangeException(nameof(MinRefitPasses), MinRefitPasses, "must be ≥ 0");
        if (SmallSetSamples < 0) throw new ArgumentOutOfRangeException(nameof(SmallSetSamples), SmallSetSamples, "must be ≥ 0");
        if (ValidationShare is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationShare), ValidationShare, "must be in [0, 1)");
        if (MinValidationSamples < 1) throw new ArgumentOutOfRangeException(nameof(MinValidationSamples), MinValidationSamples, "must be ≥ 1");
        if (ValFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValFraction), ValFraction, "must be in (0, 1)");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be ≥ 1");
        return this;
    }
}
