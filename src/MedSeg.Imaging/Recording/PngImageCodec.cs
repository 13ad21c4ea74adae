using System.Buffers;
using System.Buffers.Binary;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Formats.Tiff;
using OpenCvSharp;

namespace MedSeg.Imaging.Recording;

/// <summary>PNG planes for session recordings, through OpenCV (Core defines <see cref="IImageCodec"/> and stays native-free).</summary>
/// <remarks>
/// Gray8, Gray16 and Bgr24 are encoded (fast compression, level 1); Int16 and Float32 are not
/// (PNG has no signed or float samples), so the writer stores those raw / LZ4. Decoding treats the
/// data as untrusted: the PNG signature and the IHDR size are checked in managed code before
/// OpenCV sees the bytes, so a corrupt plane cannot make it allocate a huge image. Thread-safe.
/// </remarks>
public sealed class PngImageCodec : IImageCodec
{
    private static readonly int[] s_fast = [(int)ImwriteFlags.PngCompression, 1];
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static PngImageCodec Instance { get; } = new();

    public bool CanEncode(PixelFormat format) => format is PixelFormat.Gray8 or PixelFormat.Gray16 or PixelFormat.Bgr24;

    public void Encode(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, IBufferWriter<byte> output)
    {
        if (!CanEncode(format)) throw new ArgumentException($"PNG cannot hold {format} pixels", nameof(format));
        using var mat = new Mat(height, width, MatPixels.TypeOf(format));
        pixels.CopyTo(mat.AsSpan<byte>());
        if (!Cv2.ImEncode(".png", mat, out byte[] png, s_fast)) throw new IOException($"OpenCV could not encode a {width}×{height} {format} PNG");
        output.Write(png);
    }

    public void Decode(ReadOnlySpan<byte> encoded, int width, int height, PixelFormat format, Span<byte> pixels)
    {
        if (!CanEncode(format)) throw new InvalidDataException($"a PNG plane cannot hold {format} pixels");
        if (encoded.Length < 33 || !encoded[..8].SequenceEqual(Signature) || !encoded.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new InvalidDataException("PNG plane does not start with a PNG signature and IHDR");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(encoded[16..]), h = BinaryPrimitives.ReadUInt32BigEndian(encoded[20..]);
        if (w != width || h != height) throw new InvalidDataException($"PNG plane is {w}×{h}, the record says {width}×{height}");
        using var mat = Cv2.ImDecode(encoded, ImreadModes.Unchanged);
        if (mat.Empty()) throw new InvalidDataException("OpenCV could not decode the PNG plane (corrupt data)");
        if (mat.Width != width || mat.Height != height || mat.Type() != MatPixels.TypeOf(format))
            throw new InvalidDataException($"PNG plane decodes to {mat.Width}×{mat.Height} {mat.Type()}, expected {width}×{height} {format}");
        var bytes = mat.AsSpan<byte>();
        if (bytes.Length != pixels.Length) throw new InvalidDataException($"PNG plane has {bytes.Length} bytes, expected {pixels.Length}");
        bytes.CopyTo(pixels);
    }
}
