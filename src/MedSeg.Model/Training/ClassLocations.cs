namespace MedSeg.Model.Training;

/// <summary>
/// Where each foreground class occurs in a prepared data set: which samples hold it, and its
/// pixels in each sample. Feeds class-aware foreground sampling (<see cref="BatchSampler"/>,
/// <see cref="BatchBuilder"/>).
/// </summary>
/// <remarks>
/// Memory: presence is one scan of the masks at construction; pixel lists are built per sample on
/// first use, so a run that never centres a patch on a sample never pays for its lists (one int
/// per foreground pixel).
/// </remarks>
public sealed class ClassLocations
{
    private readonly PreparedDataset _data;
    private readonly int[][] _classesIn;
    private readonly Dictionary<int, int[]> _samplesWith;
    private readonly Dictionary<int, int[]>?[] _pixels;

    public ClassLocations(PreparedDataset data)
    {
        _data = data;
        _classesIn = new int[data.Count][];
        _pixels = new Dictionary<int, int[]>?[data.Count];
        var holders = new Dictionary<int, List<int>>();
        Span<bool> seen = stackalloc bool[256];
        for (int s = 0; s < data.Count; s++)
        {
            seen.Clear();
            foreach (byte id in data.Mask(s)) seen[id] = true;
            var present = new List<int>();
            for (int id = 1; id < 256; id++)
            {
                if (!seen[id]) continue;
                present.Add(id);
                if (!holders.TryGetValue(id, out var list)) holders[id] = list = [];
                list.Add(s);
            }
            _classesIn[s] = [.. present];
        }
        _samplesWith = holders.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray());
        Classes = [.. _samplesWith.Keys.Order()];
    }

    /// <summary>The foreground class ids that occur anywhere in the data set, ascending.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The foreground class ids that occur in <paramref name="sample"/>, ascending.</summary>
    public IReadOnlyList<int> ClassesIn(int sample) => _classesIn[sample];

    /// <summary>The samples holding at least one pixel of <paramref name="classId"/> (empty when none does).</summary>
    public IReadOnlyList<int> SamplesWith(int classId) => _samplesWith.TryGetValue(classId, out var s) ? s : [];

    /// <summary>A uniformly drawn pixel (index into the H·W mask) of <paramref name="classId"/> in <paramref name="sample"/>; -1 when it holds none.</summary>
    public int RandomPixel(int sample, int classId, Random rng)
    {
        var lists = _pixels[sample] ??= PixelLists(_data.Mask(sample));
        return lists.TryGetValue(classId, out var pixels) ? pixels[rng.Next(pixels.Length)] : -1;
    }

    private static Dictionary<int, int[]> PixelLists(ReadOnlySpan<byte> ids)
    {
        var lists = new Dictionary<int, List<int>>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] == 0) continue;
            if (!lists.TryGetValue(ids[i], out var list)) lists[ids[i]] = list = [];
            list.Add(i);
        }
        return lists.ToDictionary(static kv => kv.Key, static kv => kv.Value.ToArray());
    }
}
