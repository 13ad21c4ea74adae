namespace MedSeg.Model.Training;

/// <summary>
/// Draws the samples of each batch from a reshuffled queue: every sample once per pass, passes
/// chained across epochs, so a fixed number of steps per epoch still visits samples evenly.
/// With <c>foregroundShare</c> the last share of each batch is class-aware (nnU-Net v2's
/// oversampling): a foreground class is chosen uniformly, then a sample holding it, and the
/// builder centres the patch on a pixel of that class.
/// </summary>
/// <remarks>
/// Why uniform over classes and not over foreground pixels: a random foreground pixel lands in the
/// largest class almost always (brain 29 % of the pixels, deep grey nuclei 0.6 %), so the rare
/// classes get the share of the batch their pixel count gives them, which is what made them
/// vanish. Why the sample is drawn too, not only the pixel: with whole-image training there is no
/// crop to move, and the rare class only appears in the batch if a slice holding it is chosen
/// (nnU-Net's 2-D loader likewise picks the class first, then a slice where it occurs).
/// In one-pass epochs (<c>wholePass</c>) every sample still comes once: the forced slots keep
/// their sample and pick a class present in it.
/// </remarks>
public sealed class BatchSampler
{
    private readonly int _count;
    private readonly Random _rng;
    private readonly ClassLocations? _classes;
    private readonly double _share;
    private readonly int[] _order;
    private int _next;

    public BatchSampler(int count, Random rng, ClassLocations? classes = null, double foregroundShare = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (foregroundShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(foregroundShare), foregroundShare, "must be in [0, 1]");
        if (foregroundShare > 0 && classes is null) throw new ArgumentNullException(nameof(classes), "class-aware sampling needs the class locations");
        _count = count;
        _rng = rng;
        _classes = classes;
        _share = foregroundShare;
        _order = Enumerable.Range(0, count).ToArray();
        _next = count;
    }

    /// <summary>Starts a new pass (one-pass epochs: a short last batch rather than spilling into the next epoch).</summary>
    public void StartPass()
    {
        // From the identity each time, so one-pass epochs shuffle exactly as the trainer always did.
        for (int i = 0; i < _count; i++) _order[i] = i;
        _rng.Shuffle(_order);
        _next = 0;
    }

    /// <summary>How many of a batch's slots are class-aware: nnU-Net's rule, the slots from round(n·(1 − share)) on.</summary>
    public static int ForcedSlots(int batchSize, double share) => share <= 0 ? 0 : batchSize - (int)Math.Round(batchSize * (1 - share));

    /// <param name="wholePass">true: the last batch of a pass may be short; false: batches continue into the next pass.</param>
    public BatchSlot[] Next(int batchSize, bool wholePass)
    {
        if (_count == 0) throw new InvalidOperationException("no training samples");
        int n = batchSize;
        if (wholePass)
        {
            if (_next >= _count) StartPass();
            n = Math.Min(batchSize, _count - _next);
        }
        var batch = new BatchSlot[n];
        int free = n - ForcedSlots(n, _share);
        for (int i = 0; i < n; i++)
        {
            if (i >= free && !wholePass && ClassAwareSample() is { } slot)
            {
                batch[i] = slot;
                continue;
            }
            if (_next >= _count) StartPass();
            int sample = _order[_next++];
            batch[i] = i >= free ? new BatchSlot(sample, ClassIn(sample)) : new BatchSlot(sample);
        }
        return batch;
    }

    /// <summary>A uniformly chosen foreground class and a uniformly chosen sample holding it; null when no sample has foreground.</summary>
    private BatchSlot? ClassAwareSample()
    {
        var classes = _classes!.Classes;
        if (classes.Count == 0) return null;
        int c = classes[_rng.Next(classes.Count)];
        var holders = _classes.SamplesWith(c);
        return new BatchSlot(holders[_rng.Next(holders.Count)], c);
    }

    private int ClassIn(int sample)
    {
        var present = _classes!.ClassesIn(sample);
        return present.Count == 0 ? BatchSlot.Any : present[_rng.Next(present.Count)];
    }
}
