using System.Buffers;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>
/// A compressed image encoding that Core cannot implement without a native library (PNG).
/// MedSeg.Imaging supplies <c>PngImageCodec</c>; the writer and reader take it through their options.
/// </summary>
public interface IImageCodec
{
    bool CanEncode(PixelFormat format);

    /// <summary>Appends the encoded image to <paramref name="output"/>.</summary>
    void Encode(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, IBufferWriter<byte> output);

    /// <summary>Decodes into <paramref name="pixels"/> (exactly width × height × bytes per pixel).</summary>
    /// <exception cref="InvalidDataException">the data is not an image of that size and format.</exception>
    void Decode(ReadOnlySpan<byte> encoded, int width, int height, PixelFormat format, Span<byte> pixels);
}
