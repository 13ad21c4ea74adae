namespace MedSeg.Model.Training;

/// <summary>
/// Per-epoch learning rate. Plateau halves the rate after <c>patience</c> epochs without
/// improvement (PyTorch's ReduceLROnPlateau, factor 0.5); cosine anneals to 1 % of the start
/// over the planned epochs. Kept here rather than in TorchSharp's schedulers so that a resumed
/// run recomputes the same rate from the epoch number.
/// </summary>
public sealed class LearningRateSchedule(LrSchedule kind, double initial, int epochs, int patience)
{
    private const double Factor = 0.5;
    private const double Floor = 0.01;
    private readonly double _initial = initial;
    private double _plateauRate = initial;
    private int _sinceImprovement;

    public double Rate(int epoch) => kind switch
    {
        LrSchedule.Cosine => _initial * (Floor + (1 - Floor) * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, epochs - 1)))),
        LrSchedule.Plateau => _plateauRate,
        _ => _initial,
    };

    public void Observe(bool improved)
    {
        if (kind != LrSchedule.Plateau) return;
        _sinceImprovement = improved ? 0 : _sinceImprovement + 1;
        if (_sinceImprovement < patience) return;
        _plateauRate = Math.Max(_plateauRate * Factor, _initial * Floor);
        _sinceImprovement = 0;
    }
}
