namespace MedSeg.Model.Training;

/// <summary>
/// Holds a planned run to its planned time: after each epoch, the steps per epoch of the epochs
/// left are re-planned from the step and validation times this run has measured.
/// </summary>
/// <remarks>
/// Why: the planner times a few steps before training, and on the shared VMs the step time moves
/// by a third within minutes. With the slower of two timed steps as its estimate, whole-image
/// sets used three quarters of the budget; with the median of five, patch-trained ones overran it
/// (`cells/`: 0.50 s per step measured, 0.68 s run, 166 s against 130 s; README, "Real data").
/// Measuring the run itself removes the guess. The count moves only when the projection misses
/// the target by more than <see cref="Tolerance"/>, stays within <see cref="MaxFactor"/> of the
/// plan either way and never below the plan's step floor, so the schedule keeps its shape; the
/// learning-rate schedule is re-spread over the new total.
/// </remarks>
public sealed class StepGovernor
{
    public const double Tolerance = 0.1;
    public const double MaxFactor = 2;

    private readonly double _target;
    private readonly int _epochs, _planned, _minSteps;

    /// <param name="targetSeconds">the time the steps and validations of the whole run may take.</param>
    /// <param name="epochs">epochs of the run.</param>
    /// <param name="plannedPerEpoch">the planned steps per epoch.</param>
    /// <param name="minSteps">the plan's step floor: the run's total never goes below it.</param>
    public StepGovernor(double targetSeconds, int epochs, int plannedPerEpoch, int minSteps)
    {
        if (!(targetSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(targetSeconds), targetSeconds, "must be > 0");
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(plannedPerEpoch, 1);
        _target = targetSeconds;
        _epochs = epochs;
        _planned = plannedPerEpoch;
        _minSteps = Math.Max(0, minSteps);
    }

    public double TargetSeconds => _target;

    /// <summary>The run's time if the epochs after <paramref name="epochsDone"/> keep <paramref name="current"/> steps each, at the measured rates.</summary>
    public double Projected(int epochsDone, int stepsDone, double stepSeconds, double otherSeconds, int current) =>
        stepSeconds + otherSeconds + (_epochs - epochsDone) * (otherSeconds / epochsDone + current * stepSeconds / stepsDone);

    /// <summary>The steps per epoch for the epochs after <paramref name="epochsDone"/>.</summary>
    /// <param name="stepsDone">optimizer steps run so far.</param>
    /// <param name="stepSeconds">seconds spent in those steps.</param>
    /// <param name="otherSeconds">seconds spent in the epochs' validations and checkpoints.</param>
    /// <param name="current">the steps per epoch in use.</param>
    public int Next(int epochsDone, int stepsDone, double stepSeconds, double otherSeconds, int current)
    {
        int remaining = _epochs - epochsDone;
        if (remaining <= 0 || stepsDone <= 0 || epochsDone <= 0 || !(stepSeconds > 0)) return current;
        double perStep = stepSeconds / stepsDone, perEpoch = otherSeconds / epochsDone, elapsed = stepSeconds + otherSeconds;
        // One more epoch's validation is kept back for what follows the loop (the threshold's pass over the validation split).
        double target = _target - perEpoch;
        if (Math.Abs(Projected(epochsDone, stepsDone, stepSeconds, otherSeconds, current) - target) <= Tolerance * target) return current;
        double wanted = ((target - elapsed) / remaining - perEpoch) / perStep;
        int low = Math.Max((int)Math.Ceiling(_planned / MaxFactor), (int)Math.Ceiling((double)(_minSteps - stepsDone) / remaining));
        int high = (int)Math.Floor(_planned * MaxFactor);
        low = Math.Clamp(low, 1, high);
        return Math.Clamp(double.IsFinite(wanted) ? (int)Math.Floor(wanted) : low, low, high);
    }
}
