namespace MedSeg.Core.Timing;

/// <summary>A set of <see cref="LatencySeries"/> by stage name, kept in the order they were first asked for.</summary>
/// <remarks>Create the series at start-up (<see cref="Series"/>) and keep the reference: the hot path then
/// calls <see cref="LatencySeries.Add"/> directly with no lookup. Not thread-safe.</remarks>
public sealed class LatencyRecorder
{
    private readonly List<LatencySeries> _series = [];
    private readonly int _capacity, _warmup;

    public LatencyRecorder(int capacity = 65_536, int warmup = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        (_capacity, _warmup) = (capacity, warmup);
    }

    public IReadOnlyList<LatencySeries> All => _series;

    /// <summary>The series called <paramref name="name"/>, created on first use.</summary>
    public LatencySeries Series(string name)
    {
        foreach (var s in _series)
            if (s.Name == name) return s;
        var series = new LatencySeries(name, _capacity, _warmup);
        _series.Add(series);
        return series;
    }

    public LatencySummary[] Summarize()
    {
        var result = new LatencySummary[_series.Count];
        for (int i = 0; i < result.Length; i++) result[i] = _series[i].Summarize();
        return result;
    }
}
