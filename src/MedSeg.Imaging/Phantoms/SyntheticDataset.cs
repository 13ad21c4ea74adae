using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// A fixed-size data set of independent synthetic samples, generated on demand.
/// </summary>
/// <remarks>
/// Sample i is drawn from <c>new Random(HashCombine(seed, i))</c>, so it is the same whatever
/// was loaded before and on whichever thread; nothing is cached. Samples have no group, so any
/// split is a random split.
/// </remarks>
public sealed class SyntheticDataset : ISegmentationDataset
{
    private readonly SyntheticTask _task;
    private readonly int _size;
    private readonly int _seed;

    public SyntheticDataset(SyntheticTask task, int count = 400, int size = 128, int seed = 1)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must not be negative");
        if (size < SyntheticImages.MinSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"must be at least {SyntheticImages.MinSize}");
        Name = SyntheticImages.Name(task); // also rejects an undefined task
        _task = task;
        _size = size;
        _seed = seed;
        Count = count;
    }

    public string Name { get; }

    public IReadOnlyList<string> ClassNames => SyntheticImages.ClassNames(_task);

    public int Count { get; }

    public SampleInfo Describe(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {Count})");
        return new SampleInfo($"{_task.ToString().ToLowerInvariant()}-{index:D5}", null, $"{Name}#{index}");
    }

    /// <summary>Each sample is generated from its own seed.</summary>
    public bool ConcurrentLoads => true;

    public LabeledImage Load(int index)
    {
        var info = Describe(index);
        return SyntheticImages.Generate(_task, _size, new Random(SeedMixer.HashCombine(_seed, index)), info.Id);
    }
}
