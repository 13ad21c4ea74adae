namespace MedSeg.Core.Metrics;

/// <summary>Mean and population variance of a stream (Welford), stable for long runs of values
/// that are all near 1, where sum-of-squares would cancel catastrophically.</summary>
internal struct RunningMoments
{
    private long _count;
    private double _mean;
    private double _m2;

    public readonly long Count => _count;

    /// <summary>NaN before the first value.</summary>
    public readonly double Mean => _count == 0 ? double.NaN : _mean;

    /// <summary>Population standard deviation (divides by n, not n - 1): the spread of the
    /// evaluated images themselves, not an estimate for a wider population.</summary>
    public readonly double PopulationStd => _count == 0 ? double.NaN : Math.Sqrt(_m2 / _count);

    public void Add(double value)
    {
        _count++;
        double delta = value - _mean;
        _mean += delta / _count;
        _m2 += delta * (value - _mean);
    }
}
