namespace MedSeg.Rendering.Capture;

/// <summary>
/// A bounded FIFO between one producer that must never wait (the GL thread) and one consumer
/// thread that may: when it is full, <see cref="Add"/> drops the oldest item, counts it and hands
/// it to the drop callback (which releases it), then queues the new one.
/// </summary>
/// <remarks>A lock and a ring rather than a Channel: the consumer is a plain thread that blocks in
/// <see cref="TryTake"/>, and a Channel would need a sync-over-async wait there.</remarks>
public sealed class DropOldestQueue<T> where T : class
{
    private readonly T?[] _items;
    private readonly Action<T> _onDropped;
    private readonly object _lock = new();   // an object, not a Lock: the consumer waits on it with Monitor.Wait
    private int _head, _count;
    private long _dropped;
    private bool _completed;

    public DropOldestQueue(int capacity, Action<T> onDropped)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _items = new T?[capacity];
        _onDropped = onDropped ?? throw new ArgumentNullException(nameof(onDropped));
    }

    public int Capacity => _items.Length;

    /// <summary>Items dropped because the queue was full.</summary>
    public long Dropped { get { lock (_lock) return _dropped; } }

    /// <summary>Queues <paramref name="item"/>; never waits. A completed queue refuses it (drop callback, not counted as dropped).</summary>
    /// <returns>False when the queue was completed and the item was released instead.</returns>
    public bool Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        T? dropped = null;
        lock (_lock)
        {
            if (_completed)
            {
                dropped = item;
            }
            else
            {
                if (_count == _items.Length)
                {
                    dropped = _items[_head];
                    _items[_head] = null;
                    _head = (_head + 1) % _items.Length;
                    _count--;
                    _dropped++;
                }
                _items[(_head + _count) % _items.Length] = item;
                _count++;
                Monitor.Pulse(_lock);
            }
        }
        // Released outside the lock: the callback may do work (return a buffer to its pool).
        if (dropped is not null) _onDropped(dropped);
        return !ReferenceEquals(dropped, item);
    }

    /// <summary>Waits for the oldest item; false once the queue is completed and empty.</summary>
    public bool TryTake(out T item)
    {
        lock (_lock)
        {
            while (_count == 0 && !_completed) Monitor.Wait(_lock);
            if (_count == 0)
            {
                item = null!;
                return false;
            }
            item = _items[_head]!;
            _items[_head] = null;
            _head = (_head + 1) % _items.Length;
            _count--;
            return true;
        }
    }

    /// <summary>No more items; the consumer takes what is queued, then <see cref="TryTake"/> returns false.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
