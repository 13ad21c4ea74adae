namespace MedSeg.Pipeline.Stages;

/// <summary>Reuses <see cref="FrameBatch"/> objects of one capacity, so batching allocates nothing per batch.</summary>
/// <remarks>Thread-safe: the batcher rents, the postprocess stage returns (by disposing the batch).</remarks>
public sealed class FrameBatchPool
{
    private readonly Stack<FrameBatch> _idle = new();
    private readonly Lock _gate = new();
    private long _rented, _returned, _created;

    public FrameBatchPool(int batchCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchCapacity);
        BatchCapacity = batchCapacity;
    }

    public int BatchCapacity { get; }

    public long Rented => Interlocked.Read(ref _rented);

    public long Returned => Interlocked.Read(ref _returned);

    public long Outstanding => Rented - Returned;

    /// <summary>Batch objects ever made; bounded by the batches in flight.</summary>
    public long Created => Interlocked.Read(ref _created);

    public FrameBatch Rent()
    {
        FrameBatch? batch;
        lock (_gate) _idle.TryPop(out batch);
        if (batch is null)
        {
            batch = new FrameBatch(BatchCapacity, this);
            Interlocked.Increment(ref _created);
        }
        batch.Reuse();
        Interlocked.Increment(ref _rented);
        return batch;
    }

    internal void Return(FrameBatch batch)
    {
        Interlocked.Increment(ref _returned);
        lock (_gate) _idle.Push(batch);
    }
}
