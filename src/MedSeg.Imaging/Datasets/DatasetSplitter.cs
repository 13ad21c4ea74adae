namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Splits a data set into training and validation parts. When samples carry a group (patient),
/// whole groups go to one side, because slices of one patient in both parts would let the
/// validation score reward memorising that patient.
/// </summary>
public static class DatasetSplitter
{
    /// <param name="valFraction">Share of samples for validation, in (0, 1).</param>
    /// <param name="seed">Same seed and same data set → same split.</param>
    public static DatasetSplit Split(ISegmentationDataset ds, double valFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(ds);
        if (!(valFraction > 0 && valFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(valFraction), valFraction, "must be between 0 and 1 (exclusive)");
        }

        if (ds.Count < 2)
        {
            throw new ArgumentException($"{ds.Name} has {ds.Count} sample(s); a split needs at least 2", nameof(ds));
        }

        SampleInfo[] samples = Enumerable.Range(0, ds.Count).Select(ds.Describe).ToArray();
        // A sample without a group is its own group, so mixed sets still split by patient.
        int[][] groups = samples
            .Select((s, i) => (Key: s.Group ?? "\0" + i, Index: i))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.Index).ToArray())
            .ToArray();
        bool byGroup = samples.Any(s => s.Group is not null) && groups.Length >= 2;

        var random = new Random(seed);
        int[] val = byGroup ? PickGroups(groups, ds.Count, valFraction, random) : PickSamples(ds.Count, valFraction, random);
        var valSet = val.ToHashSet();
        int[] train = Enumerable.Range(0, ds.Count).Where(i => !valSet.Contains(i)).ToArray();

        return new DatasetSplit(
            train,
            val,
            seed,
            byGroup ? DatasetSplit.GroupStrategy : DatasetSplit.RandomStrategy,
            train.Select(i => samples[i].Id).ToArray(),
            val.Select(i => samples[i].Id).ToArray(),
            DistinctGroups(samples, train),
            DistinctGroups(samples, val));
    }

    // Adds shuffled groups until validation holds its share; the first group always goes in and
    // the last never does, so both parts are non-empty.
    private static int[] PickGroups(int[][] groups, int count, double valFraction, Random random)
    {
        random.Shuffle(groups);
        double target = valFraction * count;
        var val = new List<int>();
        for (int g = 0; g < groups.Length - 1 && (g == 0 || val.Count < target); g++)
        {
            val.AddRange(groups[g]);
        }

        val.Sort();
        return val.ToArray();
    }

    private static int[] PickSamples(int count, double valFraction, Random random)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        int valCount = Math.Clamp((int)Math.Round(valFraction * count), 1, count - 1);
        int[] val = order[..valCount];
        Array.Sort(val);
        return val;
    }

    private static string[] DistinctGroups(SampleInfo[] samples, int[] indices) =>
        indices.Select(i => samples[i].Group).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
