namespace MedSeg.Imaging.Datasets;

/// <summary>
/// A view over some samples of another data set (a split, or the set without its bad samples).
/// Nothing is copied; index <c>i</c> here is <c>Indices[i]</c> in the inner set.
/// </summary>
public sealed class SubsetDataset : ISegmentationDataset
{
    private readonly ISegmentationDataset _inner;
    private readonly int[] _indices;

    public SubsetDataset(ISegmentationDataset inner, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(indices);
        _inner = inner;
        _indices = indices.ToArray();
        foreach (int i in _indices)
        {
            if (i < 0 || i >= inner.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"index outside {inner.Name} (0..{inner.Count - 1})");
            }
        }
    }

    /// <summary>The inner set without <paramref name="excluded"/> (e.g. the indices of bad samples).</summary>
    public static SubsetDataset Excluding(ISegmentationDataset inner, IEnumerable<int> excluded)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var drop = excluded.ToHashSet();
        return new SubsetDataset(inner, Enumerable.Range(0, inner.Count).Where(i => !drop.Contains(i)).ToArray());
    }

    public string Name => $"{_inner.Name} ({_indices.Length} of {_inner.Count})";

    public IReadOnlyList<string> ClassNames => _inner.ClassNames;

    /// <summary>As the set it selects from.</summary>
    public bool ConcurrentLoads => _inner.ConcurrentLoads;

    public int Count => _indices.Length;

    public IReadOnlyList<string> Notes => _inner.Notes;

    public double? Spacing => _inner.Spacing;

    public IReadOnlyList<int> Indices => _indices;

    public SampleInfo Describe(int index) => _inner.Describe(InnerIndex(index));

    public LabeledImage Load(int index) => _inner.Load(InnerIndex(index));

    private int InnerIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _indices.Length);
        return _indices[index];
    }
}
