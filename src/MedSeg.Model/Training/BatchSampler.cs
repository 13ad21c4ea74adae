namespace MedSeg.Model.Training;

/// <summary>
/// Draws the sample indices of each batch from a reshuffled queue: every sample once per pass,
/// passes chained across epochs, so a fixed number of steps per epoch still visits samples evenly.
/// </summary>
public sealed class BatchSampler(int count, Random rng)
{
    private readonly int[] _order = Enumerable.Range(0, count).ToArray();
    private int _next = count;

    /// <summary>Starts a new pass (one-pass epochs: a short last batch rather than spilling into the next epoch).</summary>
    public void StartPass()
    {
        // From the identity each time, so one-pass epochs shuffle exactly as the trainer always did.
        for (int i = 0; i < count; i++) _order[i] = i;
        rng.Shuffle(_order);
        _next = 0;
    }

    /// <param name="wholePass">true: the last batch of a pass may be short; false: batches continue into the next pass.</param>
    public int[] Next(int batchSize, bool wholePass)
    {
        if (count == 0) throw new InvalidOperationException("no training samples");
        if (wholePass)
        {
            if (_next >= count) StartPass();
            int n = Math.Min(batchSize, count - _next);
            var pass = _order.AsSpan(_next, n).ToArray();
            _next += n;
            return pass;
        }
        var batch = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            if (_next >= count) StartPass();
            batch[i] = _order[_next++];
        }
        return batch;
    }
}
