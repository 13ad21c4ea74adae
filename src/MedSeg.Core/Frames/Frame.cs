namespace MedSeg.Core.Frames;

/// <summary>
/// One holder's lease on an image travelling through the pipeline, with everything computed for it on the way.
/// </summary>
/// <remarks>
/// Memory: the buffers live in a pooled slot (<see cref="FramePool"/>), rented from its
/// <see cref="System.Buffers.MemoryPool{T}"/> and kept while the slot idles, so a steady stream of
/// same-sized frames rents no memory; each lease is one small object.
/// Lifetime: a lease, not a shared reference count. <see cref="FramePool.Rent"/> hands out one
/// lease; <see cref="AddRef"/> hands out another on the same image (one per sink); each lease is
/// released once with <see cref="Dispose"/>, and the last release returns the slot, whose
/// generation then moves on. A second release of the same lease, or any use of a lease whose slot
/// has moved on (a stale reference to a re-rented frame), is caught: it throws
/// <see cref="FrameLeaseException"/> where <see cref="FramePool.ThrowOnMisuse"/> (debug builds, and
/// the test projects through an AppContext switch) and is counted in
/// <see cref="FramePool.LeaseMisuses"/> otherwise, without touching the image another holder owns.
/// Writing: one stage owns a frame at a time; after postprocessing the frame is sealed
/// (<see cref="Seal"/>), and every way to write throws <see cref="FrameLeaseException"/>: the
/// mutating calls (allocations, ground truth, flags, marking bad) and the writable plane spans
/// (<see cref="Pixels"/>, <see cref="Input"/>, <see cref="Labels"/>, <see cref="Foreground"/>,
/// <see cref="GroundTruth"/>). Readers (the sinks) use the ReadOnly… spans, on the same memory.
/// </remarks>
public sealed class Frame : IDisposable
{
    private readonly FrameSlot _slot;
    private readonly int _generation;
    private int _released;

    internal Frame(FrameSlot slot, int generation) => (_slot, _generation) = (slot, generation);

    public FrameInfo Info => Live().Info;

    /// <summary>Per-stage stamps; a ref so stages write them in place (<c>frame.Times.Queued = StageTimes.Now()</c>).
    /// Refused once the frame is sealed (<see cref="FrameLeaseException"/>): sinks read <see cref="ReadOnlyTimes"/>
    /// and keep their own stamps (Presented, Recorded) in their own records.</summary>
    public ref StageTimes Times => ref Writable().Times;

    /// <summary>The stamps for reading, any time (sinks share a sealed frame across threads).</summary>
    public ref readonly StageTimes ReadOnlyTimes => ref Live().Times;

    public FrameFlags Flags
    {
        get => Live().Flags;
        set => Writable().Flags = value;
    }

    public FrameDropReason DropReason => Live().DropReason;

    /// <summary>Human-readable detail of <see cref="DropReason"/>.</summary>
    public string? DropDetail => Live().DropDetail;

    /// <summary>Leases currently held on this image; 0 once back in the pool.</summary>
    public int RefCount => Volatile.Read(ref _released) != 0 || Volatile.Read(ref _slot.Generation) != _generation ? 0 : Volatile.Read(ref _slot.Holders);

    /// <summary>The slot's generation this lease was issued for (changes each time the image returns to the pool).</summary>
    public int Generation => _generation;

    /// <summary>True once postprocessing finished the frame: from then on it is read-only.</summary>
    public bool IsSealed => Live().Sealed;

    // Each plane has two doors: a Span for the stage that owns the frame, refused once the frame is
    // sealed (FrameLeaseException), and a ReadOnlySpan on the same pooled memory for everyone, any
    // time: the sinks share a sealed frame across threads, and a write through any of them would
    // change what the others draw, record or score. Neither copies.

    /// <summary>Raw pixels, <see cref="FrameInfo.PixelBytes"/> long, rows packed; for writing (refused once sealed).</summary>
    /// <exception cref="FrameLeaseException">The frame is sealed: read <see cref="ReadOnlyPixels"/>.</exception>
    public Span<byte> Pixels => Writable().Pixels.Bytes;

    /// <summary><see cref="Pixels"/> for reading, sealed or not.</summary>
    public ReadOnlySpan<byte> ReadOnlyPixels => Live().Pixels.Bytes;

    /// <summary>Network input (C × H × W floats); empty until <see cref="AllocateInput"/>; for writing (refused once sealed).</summary>
    /// <exception cref="FrameLeaseException">The frame is sealed: read <see cref="ReadOnlyInput"/>.</exception>
    public Span<float> Input => Writable().Input.As<float>();

    /// <summary><see cref="Input"/> for reading, sealed or not.</summary>
    public ReadOnlySpan<float> ReadOnlyInput => Live().Input.As<float>();

    /// <summary>Columns of <see cref="Labels"/> / <see cref="Foreground"/> (the model's input size).</summary>
    public int OutputWidth => Live().OutputWidth;

    public int OutputHeight => Live().OutputHeight;

    /// <summary>Class id per pixel (OutputHeight × OutputWidth); empty until <see cref="AllocateOutputs"/>; for writing (refused once sealed).</summary>
    /// <exception cref="FrameLeaseException">The frame is sealed: read <see cref="ReadOnlyLabels"/>.</exception>
    public Span<byte> Labels => Writable().Labels.Bytes;

    /// <summary><see cref="Labels"/> for reading, sealed or not.</summary>
    public ReadOnlySpan<byte> ReadOnlyLabels => Live().Labels.Bytes;

    /// <summary>Foreground probability per pixel (OutputHeight × OutputWidth); for writing (refused once sealed).</summary>
    /// <exception cref="FrameLeaseException">The frame is sealed: read <see cref="ReadOnlyForeground"/>.</exception>
    public Span<float> Foreground => Writable().Foreground.As<float>();

    /// <summary><see cref="Foreground"/> for reading, sealed or not.</summary>
    public ReadOnlySpan<float> ReadOnlyForeground => Live().Foreground.As<float>();

    public bool HasGroundTruth => (Flags & FrameFlags.HasGroundTruth) != 0;

    /// <summary>Ground-truth class ids at the source resolution (Height × Width); empty when none; for writing (refused once sealed).</summary>
    /// <exception cref="FrameLeaseException">The frame is sealed: read <see cref="ReadOnlyGroundTruth"/>.</exception>
    public Span<byte> GroundTruth => Writable().Truth.Bytes;

    /// <summary><see cref="GroundTruth"/> for reading, sealed or not.</summary>
    public ReadOnlySpan<byte> ReadOnlyGroundTruth => Live().Truth.Bytes;

    /// <summary>Sizes the network input; reuses the buffer the frame already holds when it is large enough.</summary>
    public Span<float> AllocateInput(int floats)
    {
        var s = Writable();
        s.Ensure(ref s.Input, checked(floats * sizeof(float)));
        return s.Input.As<float>();
    }

    /// <summary>Sizes <see cref="Labels"/> and <see cref="Foreground"/> for a <paramref name="width"/> × <paramref name="height"/> output.</summary>
    public void AllocateOutputs(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var s = Writable();
        int plane = checked(width * height);
        s.Ensure(ref s.Labels, plane);
        s.Ensure(ref s.Foreground, checked(plane * sizeof(float)));
        (s.OutputWidth, s.OutputHeight) = (width, height);
    }

    /// <summary>Attaches a ground-truth mask of the frame's own size and returns it for writing.</summary>
    public Span<byte> AttachGroundTruth()
    {
        var s = Writable();
        s.Ensure(ref s.Truth, checked(s.Info.Width * s.Info.Height));
        s.Flags |= FrameFlags.HasGroundTruth;
        return s.Truth.Bytes;
    }

    public void MarkBad(FrameDropReason reason, string? detail)
    {
        var s = Writable();
        s.DropReason = reason;
        s.DropDetail = detail;
        s.Flags |= FrameFlags.BadInput;
    }

    /// <summary>Makes the frame read-only (postprocessing does, before the sinks share it).</summary>
    public void Seal() => Live().Sealed = true;

    /// <summary>Another lease on the same image (one per extra holder, e.g. per sink); release each once.</summary>
    public Frame AddRef()
    {
        var s = Live();
        int before = Interlocked.Increment(ref s.Holders) - 1;
        if (before <= 0)
        {
            Interlocked.Decrement(ref s.Holders);
            throw new ObjectDisposedException(nameof(Frame), "AddRef on a frame that was already released");
        }
        return new Frame(s, _generation);
    }

    /// <summary>Releases this lease; the last release returns the image to its pool. A second release is a misuse (see remarks).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            _slot.Pool.Misuse(new FrameLeaseException($"frame {_slot.Info.Seq} (generation {_generation}): this lease was already released"));
            return;
        }
        if (Volatile.Read(ref _slot.Generation) != _generation)
        {
            _slot.Pool.Misuse(new FrameLeaseException($"frame lease of generation {_generation} released after its image went back to the pool (now generation {_slot.Generation})"));
            return;
        }
        if (Interlocked.Decrement(ref _slot.Holders) > 0) return;
        // NOTE: the generation moves on before the slot is reused, so every older lease is stale from here.
        Interlocked.Increment(ref _slot.Generation);
        _slot.Pool.Return(_slot);
    }

    private FrameSlot Live()
    {
        if (Volatile.Read(ref _released) != 0) throw new ObjectDisposedException(nameof(Frame), "frame used after this lease was released");
        if (Volatile.Read(ref _slot.Generation) != _generation) throw new ObjectDisposedException(nameof(Frame), "frame used after its last release (a stale lease)");
        return _slot;
    }

    private FrameSlot Writable()
    {
        var s = Live();
        if (s.Sealed) throw new FrameLeaseException($"frame {s.Info.Seq} is read-only after postprocessing (sealed): read it through the ReadOnly… accessors");
        return s;
    }
}
