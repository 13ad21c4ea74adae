using System.Buffers.Binary;
using System.Text;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// The receive side of the protocol: header fields, the body size check, the CRC-64, the v2
/// wrapper and the IMAGE header, decoded into reused buffers without allocating per message.
/// </summary>
/// <remarks>
/// Steady state (one device, one geometry) allocates nothing: the type and device name strings
/// are kept while the bytes repeat, and so is the parsed IMAGE header while its 72 bytes repeat.
/// Problems are returned as reasons (strings built only then). Not thread-safe: one per receive task.
/// </remarks>
internal sealed class IgtlMessageCodec
{
    private readonly long _maxBodyBytes;
    private readonly byte[] _lastType = new byte[12], _lastDevice = new byte[20], _lastImageBytes = new byte[IgtlImageHeader.Length];
    private string _type = "", _device = "";
    private IgtlImageHeader? _lastImage;
    private byte[] _body = new byte[64 * 1024];

    public IgtlMessageCodec(long maxBodyBytes) => _maxBodyBytes = maxBodyBytes;

    public byte[] Header { get; } = new byte[IgtlHeader.Size];

    /// <summary>The header in <see cref="Header"/>; the name strings are reused while their bytes repeat.</summary>
    public IgtlHeader ParseHeader()
    {
        var h = Header.AsSpan();
        if (!h.Slice(2, 12).SequenceEqual(_lastType)) (_type, _) = (Ascii(h.Slice(2, 12)), h.Slice(2, 12).TryCopyTo(_lastType));
        if (!h.Slice(14, 20).SequenceEqual(_lastDevice)) (_device, _) = (Ascii(h.Slice(14, 20)), h.Slice(14, 20).TryCopyTo(_lastDevice));
        return new IgtlHeader(BinaryPrimitives.ReadUInt16BigEndian(h), _type, _device,
            BinaryPrimitives.ReadUInt64BigEndian(h[34..]), BinaryPrimitives.ReadUInt64BigEndian(h[42..]), BinaryPrimitives.ReadUInt64BigEndian(h[50..]));
    }

    /// <summary>Why this header cannot be followed (the stream is out of step), or null.</summary>
    public string? HeaderProblem(in IgtlHeader h) => h.Version is not (1 or 2)
        ? $"header version {h.Version} is not 1 or 2 (stream out of step or not OpenIGTLink); connection reset"
        : h.BodySize > (ulong)_maxBodyBytes
            ? $"absurd body size {h.BodySize} bytes (limit {_maxBodyBytes}); connection reset to resynchronise"
            : null;

    /// <summary>A buffer for a body of <paramref name="size"/> bytes (checked by <see cref="HeaderProblem"/>), grown geometrically.</summary>
    public Memory<byte> Body(int size)
    {
        if (_body.Length < size) _body = new byte[Math.Max(size, _body.Length * 2 > _maxBodyBytes ? size : _body.Length * 2)];
        return _body.AsMemory(0, size);
    }

    /// <summary>Why the body fails its CRC-64, or null.</summary>
    public static string? CrcProblem(in IgtlHeader h, ReadOnlySpan<byte> body)
    {
        ulong crc = Crc64Ecma.Compute(body);
        return crc == h.Crc ? null : $"CRC-64 mismatch (header 0x{h.Crc:X16}, body 0x{crc:X16}); message skipped";
    }

    /// <summary>The IMAGE header and pixels of a body with a valid CRC.</summary>
    /// <exception cref="InvalidDataException">The body is not a usable IMAGE.</exception>
    public (IgtlImageHeader Image, ReadOnlyMemory<byte> Pixels) DecodeImage(in IgtlHeader h, ReadOnlyMemory<byte> body)
    {
        var content = Content(h, body);
        var span = content.Span;
        if (span.Length < IgtlImageHeader.Length) throw new InvalidDataException($"IMAGE body is {span.Length} bytes, shorter than its {IgtlImageHeader.Length}-byte image header");
        var image = _lastImage is { } last && span[..IgtlImageHeader.Length].SequenceEqual(_lastImageBytes) ? last : ParseImage(span);
        if (image.FrameFormat is null)
            throw new InvalidDataException($"{image.Components} component(s) of scalar type {image.ScalarType} are not supported (only 8/16-bit or float32 scalars, 1 component, or 8-bit RGB)");
        if (span.Length - IgtlImageHeader.Length < image.PixelBytes)
            throw new InvalidDataException($"image header announces {image.PixelBytes} pixel bytes but the body carries {span.Length - IgtlImageHeader.Length}");
        return (image, content[IgtlImageHeader.Length..]);
    }

    private IgtlImageHeader ParseImage(ReadOnlySpan<byte> content)
    {
        var image = IgtlImageHeader.Parse(content);
        content[..IgtlImageHeader.Length].CopyTo(_lastImageBytes);
        _lastImage = image;
        return image;
    }

    // Version 2 bodies wrap the content: a 12-byte (or longer) extended header before it, metadata after it.
    private static ReadOnlyMemory<byte> Content(in IgtlHeader h, ReadOnlyMemory<byte> body)
    {
        if (h.Version < 2) return body;
        var span = body.Span;
        if (span.Length < 12) throw new InvalidDataException($"v2 body of {span.Length} bytes is shorter than its extended header");
        int extended = BinaryPrimitives.ReadUInt16BigEndian(span);
        long metaHeader = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        long metaSize = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        long end = span.Length - metaHeader - metaSize;
        if (extended < 12 || end < extended) throw new InvalidDataException($"v2 extended header ({extended} bytes) and metadata ({metaHeader}+{metaSize} bytes) do not fit the {span.Length}-byte body");
        return body[extended..(int)end];
    }

    private static string Ascii(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
