using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>Up to <see cref="Capacity"/> frames that go through the model together.</summary>
/// <remarks>
/// The batch owns one reference to each frame it holds. <see cref="Take"/> moves a frame out
/// (the caller then owns it); <see cref="Dispose"/> releases the frames still held and returns
/// the batch to its <see cref="FrameBatchPool"/>. One owner at a time; not thread-safe.
/// </remarks>
public sealed class FrameBatch : IDisposable
{
    private readonly Frame?[] _frames;
    private readonly FrameBatchPool? _pool;
    private bool _idle;

    internal FrameBatch(int capacity, FrameBatchPool? pool)
    {
        _frames = new Frame?[capacity];
        _pool = pool;
    }

    public int Capacity => _frames.Length;

    public int Count { get; private set; }

    public BatchClose ClosedBy { get; internal set; }

    public Frame this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _frames[index] ?? throw new InvalidOperationException($"frame {index} was taken out of the batch");
        }
    }

    /// <summary>Adds a frame; the batch takes over the caller's reference.</summary>
    public void Add(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_idle, this);
        if (Count == _frames.Length) throw new InvalidOperationException($"batch is full ({Capacity} frames)");
        _frames[Count++] = frame;
    }

    /// <summary>Moves frame <paramref name="index"/> out; the caller now owns that reference.</summary>
    public Frame Take(int index)
    {
        var frame = this[index];
        _frames[index] = null;
        return frame;
    }

    public void Dispose()
    {
        if (_idle) return;
        for (int i = 0; i < Count; i++)
        {
            _frames[i]?.Dispose();
            _frames[i] = null;
        }
        Count = 0;
        ClosedBy = default;
        _idle = true;
        _pool?.Return(this);
    }

    internal void Reuse() => _idle = false;
}
