namespace MedSeg.Model.Training;

/// <summary>Remembers the best validation score; loss is minimised, Dice and IoU maximised.</summary>
public sealed class BestTracker
{
    private readonly bool _minimise;
    private readonly double _minDelta;

    public BestTracker(SelectionMetric metric, double minDelta, IEnumerable<EpochResult>? previous = null)
    {
        _minimise = metric == SelectionMetric.Loss;
        _minDelta = minDelta;
        BestValue = _minimise ? double.PositiveInfinity : double.NegativeInfinity;
        foreach (var r in previous ?? [])
            Offer(r.Epoch, metric switch { SelectionMetric.Dice => r.ValDice, SelectionMetric.Iou => r.ValIou, _ => r.ValLoss });
    }

    public int BestEpoch { get; private set; }
    public double BestValue { get; private set; }

    /// <returns>true when <paramref name="value"/> beats the best by more than the minimum delta.</returns>
    public bool Offer(int epoch, double value)
    {
        if (double.IsNaN(value)) return false;
        bool better = BestEpoch == 0 || (_minimise ? value < BestValue - _minDelta : value > BestValue + _minDelta);
        if (!better) return false;
        BestEpoch = epoch;
        BestValue = value;
        return true;
    }
}
