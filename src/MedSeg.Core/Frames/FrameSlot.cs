using System.Buffers;
using System.Runtime.InteropServices;

namespace MedSeg.Core.Frames;

/// <summary>
/// The pooled storage behind <see cref="Frame"/> leases: buffers, stamps, flags, the holder count
/// and a generation number that changes every time the slot goes back to its pool, so a lease
/// issued before can tell it is stale.
/// </summary>
/// <remarks>One writer at a time (the stage that holds the frame); only the count and the generation are atomic.</remarks>
internal sealed class FrameSlot(FramePool pool)
{
    public readonly FramePool Pool = pool;
    public Buffer Pixels, Input, Labels, Foreground, Truth;
    public StageTimes Times;
    public FrameInfo Info;
    public FrameFlags Flags;
    public FrameDropReason DropReason;
    public string? DropDetail;
    public int OutputWidth, OutputHeight;
    public int Holders;
    public int Generation;
    public bool Sealed;

    public void Ensure(ref Buffer buffer, int bytes)
    {
        if (buffer.Owner is null || buffer.Owner.Memory.Length < bytes)
        {
            Release(ref buffer);
            buffer.Owner = Pool.RentBuffer(bytes);
        }
        buffer.Length = bytes;
    }

    public void Release(ref Buffer buffer)
    {
        if (buffer.Owner is not null) Pool.ReturnBuffer(buffer.Owner);
        buffer = default;
    }

    /// <summary>Prepares an idle slot for a new image: one holder, no flags, no stamps, unsealed.</summary>
    public void Reset(in FrameInfo info)
    {
        Info = info;
        Flags = FrameFlags.None;
        DropReason = FrameDropReason.None;
        DropDetail = null;
        Times = default;
        Sealed = false;
        (OutputWidth, OutputHeight) = (0, 0);
        Input.Length = Labels.Length = Foreground.Length = Truth.Length = 0;
        Ensure(ref Pixels, info.PixelBytes);
        Volatile.Write(ref Holders, 1);
    }

    /// <summary>Gives every buffer back to the memory pool (the slot is being discarded).</summary>
    public void ReleaseBuffers()
    {
        Release(ref Pixels);
        Release(ref Input);
        Release(ref Labels);
        Release(ref Foreground);
        Release(ref Truth);
    }

    public struct Buffer
    {
        public IMemoryOwner<byte>? Owner;
        public int Length;

        public readonly Span<byte> Bytes => Owner is null ? default : Owner.Memory.Span[..Length];

        public readonly Span<T> As<T>() where T : struct => MemoryMarshal.Cast<byte, T>(Bytes);
    }
}
