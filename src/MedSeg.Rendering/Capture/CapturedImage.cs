using System.Buffers;
using OpenCvSharp;

namespace MedSeg.Rendering.Capture;

/// <summary>
/// One read-back frame on its way to the encoder: packed BGR rows, top row first, in a buffer
/// rented from <see cref="ArrayPool{T}.Shared"/>; <see cref="Dispose"/> returns it.
/// </summary>
/// <remarks>Owned by one holder at a time: the read-back hands it to the encoder queue, which hands
/// it to the sink or, when it drops it, disposes it.</remarks>
public sealed class CapturedImage : IDisposable
{
    private byte[]? _buffer;

    public CapturedImage(int width, int height, in CaptureRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        (Width, Height, Request) = (width, height, request);
        _buffer = ArrayPool<byte>.Shared.Rent(checked(width * height * 3));
    }

    public int Width { get; }

    public int Height { get; }

    public CaptureRequest Request { get; }

    /// <summary>The pixels: Width × Height × 3 bytes, BGR, top row first, no row padding.</summary>
    public Span<byte> Bgr
    {
        get
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsSpan(0, Width * Height * 3);
        }
    }

    /// <summary>Calls <paramref name="use"/> with a Mat header over the pixels (no copy), valid only during the call.</summary>
    public unsafe void WithMat(Action<Mat> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        fixed (byte* p = Bgr)
        {
            using var mat = Mat.FromPixelData(Height, Width, MatType.CV_8UC3, (IntPtr)p);
            use(mat);
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
