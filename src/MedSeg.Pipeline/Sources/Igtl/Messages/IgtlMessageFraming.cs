using System.Buffers.Binary;
using System.Text;

namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// Whole OpenIGTLink messages around a content block: the 58-byte header, and for header
/// version 2 (protocol v3) the 12-byte extended header before the content and the metadata
/// (key/value pairs) after it; the CRC-64 covers the whole body.
/// </summary>
/// <remarks>
/// Version 2 body := ext_header_size u16 (12), metadata_header_size u16 (2 + 8·n),
/// metadata_size u32, message_id u32, content, index_count u16 (n),
/// n × (key_size u16, value_encoding u16 (3 = US-ASCII, 106 = UTF-8), value_size u32), then the n
/// keys and values back to back; all big-endian. Version 1 body := content.
/// </remarks>
public static class IgtlMessageFraming
{
    public const int ExtendedHeaderSize = 12;
    public const ushort EncodingAscii = 3, EncodingUtf8 = 106;

    /// <summary>A complete message: header + body.</summary>
    public static byte[] Build(string type, string device, ulong timestamp, ReadOnlySpan<byte> content,
                               ushort version = 1, IReadOnlyList<KeyValuePair<string, string>>? metadata = null, uint messageId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(version);
        if (version == 1 && metadata is { Count: > 0 }) throw new ArgumentException("metadata needs header version 2 (protocol v3)", nameof(metadata));
        var body = version == 1 ? content.ToArray() : VersionTwoBody(content, metadata ?? [], messageId);
        var message = new byte[IgtlHeader.Size + body.Length];
        body.CopyTo(message, IgtlHeader.Size);
        new IgtlHeader(version, type, device, timestamp, (ulong)body.Length, Crc64Ecma.Compute(body)).Write(message);
        return message;
    }

    /// <summary>The content of a body, and its metadata when the header is version 2 or later.</summary>
    /// <exception cref="InvalidDataException">An extended header or metadata block that does not fit the body.</exception>
    public static IgtlBody Split(IgtlHeader header, ReadOnlyMemory<byte> body)
    {
        if (header.Version < 2) return new IgtlBody(body, [], 0);
        var b = body.Span;
        if (b.Length < ExtendedHeaderSize) throw new InvalidDataException($"a version {header.Version} body of {b.Length} bytes has no room for its extended header");
        int ext = BinaryPrimitives.ReadUInt16BigEndian(b);
        int metaHeader = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
        long metaSize = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
        uint id = BinaryPrimitives.ReadUInt32BigEndian(b[8..]);
        if (ext < ExtendedHeaderSize || ext + (long)metaHeader + metaSize > b.Length)
            throw new InvalidDataException($"extended header ({ext} B) + metadata ({metaHeader} + {metaSize} B) exceed the {b.Length}-byte body");
        int contentEnd = (int)(b.Length - metaHeader - metaSize);
        var content = body[ext..contentEnd];
        var pairs = new List<KeyValuePair<string, string>>();
        if (metaHeader >= 2)
        {
            var mh = b.Slice(contentEnd, metaHeader);
            int n = BinaryPrimitives.ReadUInt16BigEndian(mh);
            if (2 + 8L * n != metaHeader) throw new InvalidDataException($"metadata header of {metaHeader} bytes does not hold {n} entries");
            int at = contentEnd + metaHeader;
            for (int i = 0; i < n; i++)
            {
                int keySize = BinaryPrimitives.ReadUInt16BigEndian(mh[(2 + 8 * i)..]);
                ushort encoding = BinaryPrimitives.ReadUInt16BigEndian(mh[(4 + 8 * i)..]);
                long valueSize = BinaryPrimitives.ReadUInt32BigEndian(mh[(6 + 8 * i)..]);
                if (at + keySize + valueSize > b.Length) throw new InvalidDataException($"metadata entry {i} runs past the body");
                string key = Encoding.ASCII.GetString(b.Slice(at, keySize));
                var value = b.Slice(at + keySize, (int)valueSize);
                pairs.Add(new(key, encoding == EncodingUtf8 ? Encoding.UTF8.GetString(value) : Encoding.ASCII.GetString(value)));
                at += keySize + (int)valueSize;
            }
        }
        return new IgtlBody(content, pairs, id);
    }

    private static byte[] VersionTwoBody(ReadOnlySpan<byte> content, IReadOnlyList<KeyValuePair<string, string>> metadata, uint messageId)
    {
        var keys = metadata.Select(static m => Encoding.ASCII.GetBytes(m.Key)).ToArray();
        var values = metadata.Select(static m => Encoding.UTF8.GetBytes(m.Value)).ToArray();
        int metaHeader = metadata.Count == 0 ? 0 : 2 + 8 * metadata.Count;
        int metaSize = keys.Sum(static k => k.Length) + values.Sum(static v => v.Length);
        var body = new byte[ExtendedHeaderSize + content.Length + metaHeader + metaSize];
        var s = body.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(s, ExtendedHeaderSize);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)metaHeader);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], (uint)metaSize);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], messageId);
        content.CopyTo(s[ExtendedHeaderSize..]);
        if (metaHeader == 0) return body;
        int h = ExtendedHeaderSize + content.Length, at = h + metaHeader;
        BinaryPrimitives.WriteUInt16BigEndian(s[h..], (ushort)metadata.Count);
        for (int i = 0; i < metadata.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s[(h + 2 + 8 * i)..], (ushort)keys[i].Length);
            BinaryPrimitives.WriteUInt16BigEndian(s[(h + 4 + 8 * i)..], EncodingUtf8);
            BinaryPrimitives.WriteUInt32BigEndian(s[(h + 6 + 8 * i)..], (uint)values[i].Length);
            keys[i].CopyTo(s[at..]);
            values[i].CopyTo(s[(at + keys[i].Length)..]);
            at += keys[i].Length + values[i].Length;
        }
        return body;
    }
}
