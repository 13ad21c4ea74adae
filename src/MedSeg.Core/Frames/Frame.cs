using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MedSeg.Core.Frames;

/// <summary>
/// One image travelling through the pipeline, with everything computed for it on the way.
/// </summary>
/// <remarks>
/// Memory: all buffers are <see cref="IMemoryOwner{T}"/> rented from the <see cref="FramePool"/>'s
/// <see cref="MemoryPool{T}"/> and kept while the frame idles in the pool, so a steady stream of
/// same-sized frames rents nothing. Buffer contents are undefined until a stage writes them.
/// Lifetime: reference counted. <see cref="FramePool.Rent"/> hands out one reference; the fan-out
/// adds one per sink (<see cref="AddRef"/>); each holder calls <see cref="Dispose"/> once, and the
/// last one sends the frame back to its pool. Touching a frame after the last release throws.
/// Not thread-safe for writing: one stage owns a frame at a time; only the count is atomic.
/// </remarks>
public sealed class Frame : IDisposable
{
    private readonly FramePool _pool;
    private Buffer _pixels, _input, _labels, _foreground, _truth;
    private StageTimes _times;
    private int _refs;

    internal Frame(FramePool pool) => _pool = pool;

    public FrameInfo Info { get; private set; }

    /// <summary>Per-stage stamps; a ref so stages write them in place (<c>frame.Times.Queued = StageTimes.Now()</c>).</summary>
    public ref StageTimes Times => ref Live()._times;

    public FrameFlags Flags { get; set; }

    public FrameDropReason DropReason { get; private set; }

    /// <summary>Human-readable detail of <see cref="DropReason"/>.</summary>
    public string? DropDetail { get; private set; }

    /// <summary>Current number of holders; 0 once back in the pool.</summary>
    public int RefCount => Volatile.Read(ref _refs);

    /// <summary>Raw pixels, <see cref="FrameInfo.PixelBytes"/> long, rows packed.</summary>
    public Span<byte> Pixels => Live()._pixels.Bytes;

    /// <summary>Network input (C × H × W floats); empty until <see cref="AllocateInput"/>.</summary>
    public Span<float> Input => Live()._input.As<float>();

    /// <summary>Columns of <see cref="Labels"/> / <see cref="Foreground"/> (the model's input size).</summary>
    public int OutputWidth { get; private set; }

    public int OutputHeight { get; private set; }

    /// <summary>Class id per pixel (OutputHeight × OutputWidth); empty until <see cref="AllocateOutputs"/>.</summary>
    public Span<byte> Labels => Live()._labels.Bytes;

    /// <summary>Foreground probability per pixel (OutputHeight × OutputWidth).</summary>
    public Span<float> Foreground => Live()._foreground.As<float>();

    public bool HasGroundTruth => (Flags & FrameFlags.HasGroundTruth) != 0;

    /// <summary>Ground-truth class ids at the source resolution (Height × Width); empty when none.</summary>
    public Span<byte> GroundTruth => Live()._truth.Bytes;

    /// <summary>Sizes the network input; reuses the buffer the frame already holds when it is large enough.</summary>
    public Span<float> AllocateInput(int floats)
    {
        Live();
        Ensure(ref _input, checked(floats * sizeof(float)));
        return _input.As<float>();
    }

    /// <summary>Sizes <see cref="Labels"/> and <see cref="Foreground"/> for a <paramref name="width"/> × <paramref name="height"/> output.</summary>
    public void AllocateOutputs(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Live();
        int plane = checked(width * height);
        Ensure(ref _labels, plane);
        Ensure(ref _foreground, checked(plane * sizeof(float)));
        (OutputWidth, OutputHeight) = (width, height);
    }

    /// <summary>Attaches a ground-truth mask of the frame's own size and returns it for writing.</summary>
    public Span<byte> AttachGroundTruth()
    {
        Live();
        Ensure(ref _truth, checked(Info.Width * Info.Height));
        Flags |= FrameFlags.HasGroundTruth;
        return _truth.Bytes;
    }

    public void MarkBad(FrameDropReason reason, string? detail)
    {
        Live();
        DropReason = reason;
        DropDetail = detail;
        Flags |= FrameFlags.BadInput;
    }

    /// <summary>Takes one more reference (one per extra holder, e.g. per sink); returns this frame.</summary>
    public Frame AddRef()
    {
        int before = Interlocked.Increment(ref _refs) - 1;
        if (before <= 0)
        {
            Interlocked.Decrement(ref _refs);
            throw new ObjectDisposedException(nameof(Frame), "AddRef on a frame that was already released");
        }
        return this;
    }

    /// <summary>Releases one reference; the last release returns the frame to its pool.</summary>
    public void Dispose()
    {
        int after = Interlocked.Decrement(ref _refs);
        if (after > 0) return;
        if (after < 0)
        {
            // NOTE: the frame may already be someone else's again; this is a bug in the caller.
            Interlocked.Increment(ref _refs);
            throw new InvalidOperationException($"frame {Info.Seq} released more often than referenced");
        }
        _pool.Return(this);
    }

    /// <summary>Prepares a pooled frame for a new image: one reference, no flags, no stamps.</summary>
    internal void Reset(in FrameInfo info)
    {
        Debug.Assert(_refs == 0, "only idle frames are reset");
        Info = info;
        Flags = FrameFlags.None;
        DropReason = FrameDropReason.None;
        DropDetail = null;
        _times = default;
        (OutputWidth, OutputHeight) = (0, 0);
        _input.Length = _labels.Length = _foreground.Length = _truth.Length = 0;
        Ensure(ref _pixels, info.PixelBytes);
        Volatile.Write(ref _refs, 1);
    }

    /// <summary>Gives every buffer back to the memory pool (the frame is being discarded).</summary>
    internal void ReleaseBuffers()
    {
        Release(ref _pixels);
        Release(ref _input);
        Release(ref _labels);
        Release(ref _foreground);
        Release(ref _truth);
    }

    private Frame Live()
    {
        if (Volatile.Read(ref _refs) <= 0) throw new ObjectDisposedException(nameof(Frame), "frame used after its last release");
        return this;
    }

    private void Ensure(ref Buffer buffer, int bytes)
    {
        if (buffer.Owner is null || buffer.Owner.Memory.Length < bytes)
        {
            Release(ref buffer);
            buffer.Owner = _pool.RentBuffer(bytes);
        }
        buffer.Length = bytes;
    }

    private void Release(ref Buffer buffer)
    {
        if (buffer.Owner is not null) _pool.ReturnBuffer(buffer.Owner);
        buffer = default;
    }

    private struct Buffer
    {
        public IMemoryOwner<byte>? Owner;
        public int Length;

        public readonly Span<byte> Bytes => Owner is null ? default : Owner.Memory.Span[..Length];

        public readonly Span<T> As<T>() where T : struct => MemoryMarshal.Cast<byte, T>(Bytes);
    }
}
