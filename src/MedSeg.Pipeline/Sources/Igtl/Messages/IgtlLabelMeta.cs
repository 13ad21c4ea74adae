using System.Buffers.Binary;
using System.Text;

namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// The LBMETA message (type "LBMETA"): one 116-byte element per label of a label map — name
/// char[64], device name char[20] (the IMAGE that carries the map), label u8, reserved u8, RGBA u8[4],
/// size u16[3], owner char[20] (the image the map segments). 3D Slicer names and colours segments from it.
/// </summary>
public static class IgtlLabelMeta
{
    public const string Type = "LBMETA";
    public const int ElementSize = 116;

    /// <summary>One label of a label map.</summary>
    public sealed record Entry(string Name, string DeviceName, byte Label, byte R, byte G, byte B, byte A, int SizeI, int SizeJ, int SizeK, string Owner);

    public static byte[] Encode(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var body = new byte[entries.Count * ElementSize];
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var s = body.AsSpan(i * ElementSize, ElementSize);
            Text(e.Name, s[..64]);
            Text(e.DeviceName, s.Slice(64, 20));
            (s[84], s[85], s[86], s[87], s[88], s[89]) = (e.Label, 0, e.R, e.G, e.B, e.A);
            BinaryPrimitives.WriteUInt16BigEndian(s[90..], (ushort)e.SizeI);
            BinaryPrimitives.WriteUInt16BigEndian(s[92..], (ushort)e.SizeJ);
            BinaryPrimitives.WriteUInt16BigEndian(s[94..], (ushort)e.SizeK);
            Text(e.Owner, s.Slice(96, 20));
        }
        return body;
    }

    /// <exception cref="InvalidDataException">The body is not a whole number of elements.</exception>
    public static IReadOnlyList<Entry> Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length % ElementSize != 0) throw new InvalidDataException($"an LBMETA body of {body.Length} bytes is not a whole number of {ElementSize}-byte elements");
        var entries = new Entry[body.Length / ElementSize];
        for (int i = 0; i < entries.Length; i++)
        {
            var s = body.Slice(i * ElementSize, ElementSize);
            entries[i] = new Entry(Text(s[..64]), Text(s.Slice(64, 20)), s[84], s[86], s[87], s[88], s[89],
                BinaryPrimitives.ReadUInt16BigEndian(s[90..]), BinaryPrimitives.ReadUInt16BigEndian(s[92..]), BinaryPrimitives.ReadUInt16BigEndian(s[94..]),
                Text(s.Slice(96, 20)));
        }
        return entries;
    }

    private static void Text(string value, Span<byte> field)
    {
        // The fields are NUL-padded, not necessarily NUL-terminated at full length (the library copies up to the length).
        var bytes = Encoding.ASCII.GetBytes(value);
        bytes.AsSpan(0, Math.Min(bytes.Length, field.Length)).CopyTo(field);
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
