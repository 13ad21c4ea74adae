namespace MedSeg.Model.Training;

/// <summary>
/// Learning rate per optimizer step: linear warm-up from 1 % of the rate, then poly decay
/// (nnU-Net: (1 − t)^0.9) or cosine to 1 % over the remaining steps. A pure function of the
/// step number, so a resumed run continues on the same curve.
/// </summary>
public sealed class StepSchedule
{
    private const double Floor = 0.01;
    private const double PolyExponent = 0.9;
    private readonly LrSchedule _kind;
    private readonly double _initial;
    private readonly int _warmup, _total;

    public StepSchedule(LrSchedule kind, double initial, int warmupSteps, int totalSteps)
    {
        if (kind is not (LrSchedule.Poly or LrSchedule.Cosine or LrSchedule.None))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "per-step schedules: Poly, Cosine or None");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        (_kind, _initial, _warmup, _total) = (kind, initial, warmupSteps, totalSteps);
    }

    /// <param name="step">0-based optimizer step.</param>
    public double Rate(int step)
    {
        if (step < _warmup) return _initial * (Floor + (1 - Floor) * step / _warmup);
        double t = Math.Clamp((double)(step - _warmup) / Math.Max(1, _total - _warmup), 0, 1);
        return _kind switch
        {
            LrSchedule.Poly => _initial * Math.Max(Floor, Math.Pow(1 - t, PolyExponent)),
            LrSchedule.Cosine => _initial * (Floor + (1 - Floor) * 0.5 * (1 + Math.Cos(Math.PI * t))),
            _ => _initial,
        };
    }
}
