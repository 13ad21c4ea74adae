using System.Diagnostics;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Capture;

/// <summary>
/// Reads drawn frames back without waiting for the GPU: each <see cref="Begin"/> issues
/// glReadPixels into the next pixel buffer object of a ring (GL_PIXEL_PACK_BUFFER) and sets a
/// fence; <see cref="Collect"/> polls the fences with a zero timeout and copies every finished
/// read out of its mapped buffer (flipped to top row first) into a pooled <see cref="CapturedImage"/>.
/// </summary>
/// <remarks>
/// Inputs: <see cref="Begin"/> after a draw (before Present: a window's back buffer is read);
/// <see cref="Collect"/> once per tick. Memory: <c>ring</c> buffers of the largest frame read,
/// grown only when a frame is larger. Notes: GL thread only. When every buffer is still pending,
/// the new read is skipped and counted (<see cref="Skipped"/>): the loop never waits on a fence;
/// only <see cref="Drain"/> (at the end of a run) waits.
/// </remarks>
public sealed class AsyncReadback : IDisposable
{
    private readonly GL _gl;
    private readonly Slot[] _slots;
    private int _oldest, _pending;

    public AsyncReadback(GL gl, int ring = 3)
    {
        _gl = gl ?? throw new ArgumentNullException(nameof(gl));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ring);
        _slots = new Slot[ring];
        for (int i = 0; i < ring; i++) _slots[i] = new Slot { Buffer = gl.GenBuffer() };
    }

    /// <summary>Reads asked for with <see cref="Begin"/>.</summary>
    public long Requested { get; private set; }

    /// <summary>Reads not issued because the whole ring was still pending.</summary>
    public long Skipped { get; private set; }

    /// <summary>Reads issued and not yet collected.</summary>
    public int Pending => _pending;

    /// <summary>Starts reading <paramref name="width"/> × <paramref name="height"/> pixels of <paramref name="framebuffer"/>.</summary>
    /// <returns>False when the ring was full and the read was skipped.</returns>
    public unsafe bool Begin(uint framebuffer, int width, int height, in CaptureRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Requested++;
        if (_pending == _slots.Length)
        {
            Skipped++;
            return false;
        }
        var gl = _gl;
        var slot = _slots[(_oldest + _pending) % _slots.Length];
        int bytes = checked(width * height * 3);
        gl.BindBuffer(BufferTargetARB.PixelPackBuffer, slot.Buffer);
        if (slot.Capacity < bytes)
        {
            gl.BufferData(BufferTargetARB.PixelPackBuffer, (nuint)bytes, null, BufferUsageARB.StreamRead);
            slot.Capacity = bytes;
        }
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, framebuffer);
        if (framebuffer == 0) gl.ReadBuffer(ReadBufferMode.Back);
        // Rows of 3-byte pixels are packed; GL's default would pad them to 4 bytes.
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        // With a pack buffer bound the pointer is an offset into it: the call returns at once.
        gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Bgr, PixelType.UnsignedByte, (void*)0);
        gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
        slot.Fence = gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        (slot.Width, slot.Height, slot.Request) = (width, height, request);
        _pending++;
        Debug.Assert(gl.GetError() == GLEnum.NoError, "read-back raised a GL error");
        return true;
    }

    /// <summary>Hands every finished read, oldest first, to <paramref name="sink"/>; never waits.</summary>
    /// <returns>How many were collected.</returns>
    public int Collect(Action<CapturedImage> sink) => CollectCore(sink, wait: false);

    /// <summary>Waits for every pending read and hands it to <paramref name="sink"/> (end of a run).</summary>
    public int Drain(Action<CapturedImage> sink) => CollectCore(sink, wait: true);

    /// <summary>Forgets <see cref="Requested"/> and <see cref="Skipped"/> (after a warm-up read); call with nothing pending.</summary>
    public void ResetCounters()
    {
        if (_pending != 0) throw new InvalidOperationException($"{_pending} read-backs are still pending");
        (Requested, Skipped) = (0, 0);
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            if (slot.Fence != 0) _gl.DeleteSync(slot.Fence);
            _gl.DeleteBuffer(slot.Buffer);
        }
        _pending = 0;
    }

    private int CollectCore(Action<CapturedImage> sink, bool wait)
    {
        ArgumentNullException.ThrowIfNull(sink);
        int collected = 0;
        while (_pending > 0)
        {
            var slot = _slots[_oldest];
            // The flush bit makes sure the fence reaches the GPU; a zero timeout only asks.
            var state = _gl.ClientWaitSync(slot.Fence, SyncObjectMask.Bit, wait ? ulong.MaxValue : 0);
            if (state is not (GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied))
            {
                if (state == GLEnum.WaitFailed) throw new InvalidOperationException("glClientWaitSync failed on a read-back fence");
                break;   // still running: try again next tick
            }
            _gl.DeleteSync(slot.Fence);
            slot.Fence = 0;
            var image = CopyOut(slot);
            _oldest = (_oldest + 1) % _slots.Length;
            _pending--;
            collected++;
            sink(image);
        }
        return collected;
    }

    private unsafe CapturedImage CopyOut(Slot slot)
    {
        var image = new CapturedImage(slot.Width, slot.Height, slot.Request);
        int row = slot.Width * 3, bytes = row * slot.Height;
        _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, slot.Buffer);
        try
        {
            var mapped = (byte*)_gl.MapBufferRange(BufferTargetARB.PixelPackBuffer, 0, (nuint)bytes, MapBufferAccessMask.ReadBit);
            if (mapped == null) throw new InvalidOperationException("glMapBufferRange returned null for a read-back buffer");
            // GL's row 0 is the bottom of the picture; images are stored top row first.
            var source = new ReadOnlySpan<byte>(mapped, bytes);
            var target = image.Bgr;
            for (int y = 0; y < slot.Height; y++)
                source.Slice((slot.Height - 1 - y) * row, row).CopyTo(target.Slice(y * row, row));
            _gl.UnmapBuffer(BufferTargetARB.PixelPackBuffer);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        finally
        {
            _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
        }
        return image;
    }

    private sealed class Slot
    {
        public uint Buffer;
        public int Capacity;
        public nint Fence;
        public int Width, Height;
        public CaptureRequest Request;
    }
}
