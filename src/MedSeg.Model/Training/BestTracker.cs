namespace MedSeg.Model.Training;

/// <summary>
/// Remembers the best validation score; loss is minimised, Dice and IoU maximised. With
/// smoothing the score is an exponential moving average of the raw metric, and nothing counts as
/// best before the settle epoch: early in a run batch-norm statistics still move and an
/// all-foreground model can score well, so neither best checkpoint nor early stop may act then.
/// </summary>
public sealed class BestTracker
{
    private readonly bool _minimise;
    private readonly double _minDelta, _smoothing;
    private readonly int _settle;
    private double _average = double.NaN;

    public BestTracker(SelectionMetric metric, double minDelta, IEnumerable<EpochResult>? previous = null, double smoothing = 0, int settleEpoch = 0)
    {
        if (smoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "must be in [0, 1)");
        _minimise = metric == SelectionMetric.Loss;
        _minDelta = minDelta;
        _smoothing = smoothing;
        _settle = settleEpoch;
        BestValue = _minimise ? double.PositiveInfinity : double.NegativeInfinity;
        foreach (var r in previous ?? [])
            Offer(r.Epoch, metric switch { SelectionMetric.Dice => r.ValDice, SelectionMetric.Iou => r.ValIou, _ => r.ValLoss });
    }

    public int BestEpoch { get; private set; }
    public double BestValue { get; private set; }

    /// <summary>The (smoothed) score of the last offer.</summary>
    public double Current => _average;

    /// <summary>First epoch that may be selected (and from which early stopping counts).</summary>
    public int SettleEpoch => _settle;

    /// <summary>Early stop: <paramref name="patience"/> epochs without a better score, counted from the settle epoch at the earliest.</summary>
    public bool ShouldStop(int epoch, int patience) =>
        patience > 0 && epoch >= _settle && epoch - Math.Max(BestEpoch, _settle - 1) >= patience;

    /// <returns>true when the (smoothed) <paramref name="value"/> beats the best by more than the minimum delta.</returns>
    public bool Offer(int epoch, double value)
    {
        if (double.IsNaN(value)) return false;
        _average = double.IsNaN(_average) ? value : _smoothing * _average + (1 - _smoothing) * value;
        if (epoch < _settle) return false;
        double v = _average;
        bool better = BestEpoch == 0 || (_minimise ? v < BestValue - _minDelta : v > BestValue + _minDelta);
        if (!better) return false;
        BestEpoch = epoch;
        BestValue = v;
        return true;
    }
}
