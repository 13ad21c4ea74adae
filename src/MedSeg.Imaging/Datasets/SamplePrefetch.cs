namespace MedSeg.Imaging.Datasets;

/// <summary>
/// One loaded sample of a <see cref="SamplePrefetch"/> pass: the sample, or why it could not be
/// loaded. The consumer owns <see cref="Sample"/> and disposes it.
/// </summary>
/// <param name="Position">Its position in the index list passed to <see cref="SamplePrefetch.Load"/>.</param>
public readonly record struct PrefetchedSample(int Position, int Index, LabeledImage? Sample, DatasetException? Error);

/// <summary>
/// Walks a data set's samples in order while the next ones load in the background, so decoding
/// (a 20-megapixel chest X-ray PNG takes longer than everything done with it) overlaps the
/// consumer's work and, for sets whose <see cref="ISegmentationDataset.ConcurrentLoads"/> allows,
/// uses every core. Fingerprinting, checking and preprocessing each walk the whole set this way.
/// </summary>
/// <remarks>
/// Results come back in index order whatever order the loads finish in, so a pass gives the same
/// answer serially or in parallel. A set that cannot load concurrently (one forward-read
/// <c>.nii.gz</c>) still gets one load ahead, chained so that its reads stay in order. At most
/// <c>ahead</c> samples are held beyond the one being consumed; those still loading when the
/// consumer stops early are waited for and disposed.
/// </remarks>
public static class SamplePrefetch
{
    /// <summary>Loads in flight at most, whatever the core count: each may hold a large image and its mask.</summary>
    private const int MaxAhead = 4;

    public static IEnumerable<PrefetchedSample> Load(ISegmentationDataset data, IReadOnlyList<int> indices, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        return Walk(data, indices, data.ConcurrentLoads ? Math.Clamp(Environment.ProcessorCount, 1, MaxAhead) : 1, ct);
    }

    private static IEnumerable<PrefetchedSample> Walk(ISegmentationDataset data, IReadOnlyList<int> indices, int ahead, CancellationToken ct)
    {
        bool concurrent = data.ConcurrentLoads;
        var pending = new Queue<Task<PrefetchedSample>>();
        int next = 0;
        try
        {
            for (int k = 0; k < indices.Count; k++)
            {
                ct.ThrowIfCancellationRequested();
                while (next < indices.Count && pending.Count < ahead + 1)
                {
                    int position = next++;
                    Task<PrefetchedSample>? previous = concurrent || pending.Count == 0 ? null : pending.Last();
                    // Own threads (LongRunning), not the pool's: a load blocks on file reads and
                    // decoding, and a busy pool would run the loads one after another.
                    pending.Enqueue(previous is null
                        ? Task.Factory.StartNew(() => LoadOne(data, indices, position), CancellationToken.None,
                                                TaskCreationOptions.LongRunning, TaskScheduler.Default)
                        : previous.ContinueWith(_ => LoadOne(data, indices, position), CancellationToken.None,
                                                TaskContinuationOptions.LongRunning, TaskScheduler.Default));
                }
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // The consumer stopped early (an exception, cancellation, a break): release what was loaded for it.
            while (pending.Count > 0)
            {
                try { pending.Dequeue().GetAwaiter().GetResult().Sample?.Dispose(); }
                catch (Exception) { /* the consumer's own exception is the one that matters */ }
            }
        }
    }

    private static PrefetchedSample LoadOne(ISegmentationDataset data, IReadOnlyList<int> indices, int position)
    {
        int index = indices[position];
        try
        {
            return new PrefetchedSample(position, index, data.Load(index), null);
        }
        catch (DatasetException e)
        {
            return new PrefetchedSample(position, index, null, e);
        }
    }
}
