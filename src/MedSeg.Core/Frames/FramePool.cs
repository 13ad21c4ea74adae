using System.Buffers;

namespace MedSeg.Core.Frames;

/// <summary>
/// Rents <see cref="Frame"/>s whose buffers come from a <see cref="MemoryPool{T}"/> (default
/// <see cref="MemoryPool{T}.Shared"/>), and takes them back when their last holder releases them.
/// </summary>
/// <remarks>
/// Memory: idle frames keep their buffers, so the steady state rents neither frames nor memory.
/// At most <c>maxRetained</c> frames idle here; extra ones give their buffers back and are left to
/// the GC. <see cref="Dispose"/> returns every idle frame's buffers; frames still out return
/// theirs when released. The counters let tests and reports check that nothing leaks.
/// Thread-safe.
/// </remarks>
public sealed class FramePool : IDisposable
{
    /// <summary>The AppContext switch the test projects set, so a lease misuse fails the test that made it.</summary>
    public const string ThrowOnMisuseSwitch = "MedSeg.Frames.ThrowOnLeaseMisuse";

#if DEBUG
    private static readonly bool s_throwByDefault = true;
#else
    private static readonly bool s_throwByDefault = AppContext.TryGetSwitch(ThrowOnMisuseSwitch, out bool on) && on;
#endif

    private readonly Stack<FrameSlot> _idle;
    private readonly int _maxRetained;
    private readonly Lock _gate = new();
    private long _rented, _returned, _created, _buffersRented, _buffersReturned, _misuses;
    private bool _disposed;

    /// <param name="streamId">Stamped into every rented frame's <see cref="FrameInfo.StreamId"/> (one pool
    /// per stream of a session); null keeps the id the caller's info carries.</param>
    /// <param name="throwOnMisuse">Throw <see cref="FrameLeaseException"/> on a doubled or stale release (null: debug
    /// builds and test runs do, release builds count it in <see cref="LeaseMisuses"/> and go on).</param>
    public FramePool(MemoryPool<byte>? memory = null, int maxRetained = 64, int? streamId = null, bool? throwOnMisuse = null)
    {
        ThrowOnMisuse = throwOnMisuse ?? s_throwByDefault;
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetained);
        if (streamId < 0) throw new ArgumentOutOfRangeException(nameof(streamId), streamId, "must be ≥ 0");
        StreamId = streamId;
        Memory = memory ?? MemoryPool<byte>.Shared;
        _maxRetained = maxRetained;
        _idle = new Stack<FrameSlot>(maxRetained);
    }

    public MemoryPool<byte> Memory { get; }

    /// <summary>The stream whose frames this pool rents (null: whatever the caller's info says).</summary>
    public int? StreamId { get; }

    /// <summary>Whether a doubled or stale lease release throws (else it is only counted).</summary>
    public bool ThrowOnMisuse { get; }

    /// <summary>Doubled or stale lease releases seen (each one a bug in a holder; the image it would have freed was left alone).</summary>
    public long LeaseMisuses => Interlocked.Read(ref _misuses);

    /// <summary>Frames handed out by <see cref="Rent"/>.</summary>
    public long Rented => Interlocked.Read(ref _rented);

    /// <summary>Frames whose last reference was released.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>Frames currently held somewhere in the pipeline (0 after a clean run).</summary>
    public long Outstanding => Rented - Returned;

    /// <summary>Frame slots (image storage) ever constructed; stays flat in the steady state.</summary>
    public long FramesCreated => Interlocked.Read(ref _created);

    /// <summary>Buffers taken from / given back to <see cref="Memory"/>.</summary>
    public long BuffersRented => Interlocked.Read(ref _buffersRented);

    public long BuffersReturned => Interlocked.Read(ref _buffersReturned);

    /// <summary>A frame with one reference and a pixel buffer of <see cref="FrameInfo.PixelBytes"/>.</summary>
    public Frame Rent(in FrameInfo info)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(info.Width, nameof(info));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(info.Height, nameof(info));
        if (!info.Format.IsDefined()) throw new ArgumentOutOfRangeException(nameof(info), info.Format, "unknown pixel format");
        FrameSlot? slot;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _idle.TryPop(out slot);
        }
        if (slot is null)
        {
            slot = new FrameSlot(this);
            Interlocked.Increment(ref _created);
        }
        slot.Reset(StreamId is { } stream ? info with { StreamId = stream } : info);
        Interlocked.Increment(ref _rented);
        return new Frame(slot, Volatile.Read(ref slot.Generation));
    }

    public void Dispose()
    {
        FrameSlot[] idle;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
        }
        foreach (var frame in idle) frame.ReleaseBuffers();
    }

    internal void Misuse(FrameLeaseException e)
    {
        Interlocked.Increment(ref _misuses);
        if (ThrowOnMisuse) throw e;
    }

    internal void Return(FrameSlot frame)
    {
        Interlocked.Increment(ref _returned);
        lock (_gate)
        {
            if (!_disposed && _idle.Count < _maxRetained)
            {
                _idle.Push(frame);
                return;
            }
        }
        frame.ReleaseBuffers();
    }

    internal IMemoryOwner<byte> RentBuffer(int bytes)
    {
        var owner = Memory.Rent(Math.Max(bytes, 1));
        Interlocked.Increment(ref _buffersRented);
        return owner;
    }

    internal void ReturnBuffer(IMemoryOwner<byte> owner)
    {
        owner.Dispose();
        Interlocked.Increment(ref _buffersReturned);
    }
}
