using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>
/// A DICOM data set being written: elements kept in tag order and encoded Explicit VR Little
/// Endian with defined lengths (items and sequences included), values padded to even length.
/// </summary>
/// <remarks>Only what the exporters need: strings, US, UL, AT, FD, bytes and sequences. Not a
/// general DICOM library; <see cref="DicomFile"/> reads, this writes.</remarks>
public sealed class DicomDataset
{
    // Explicit VRs with a 4-byte length after two reserved bytes (PS3.5 §7.1.2).
    private static readonly HashSet<string> s_longVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    private readonly SortedDictionary<uint, byte[]> _elements = [];

    // Maximum value lengths (PS3.5 §6.2). Descriptive text is cut to fit; codes, numbers and UIDs must fit as given.
    private static readonly Dictionary<string, int> s_maxText = new() { ["LO"] = 64, ["SH"] = 16, ["PN"] = 64, ["LT"] = 10240, ["ST"] = 1024 };
    private static readonly Dictionary<string, int> s_maxExact = new() { ["CS"] = 16, ["UI"] = 64, ["DS"] = 16, ["IS"] = 12, ["DA"] = 8, ["TM"] = 16 };

    public DicomDataset String(DicomTag tag, string vr, string value)
    {
        value ??= "";
        if (s_maxText.TryGetValue(vr, out int max) && value.Length > max) value = value[..(max - 1)] + "~";
        if (s_maxExact.TryGetValue(vr, out int exact) && value.Split('\\').Any(v => v.Length > exact))
            throw new ArgumentException($"{tag} {vr} value '{value}' is longer than {exact} characters", nameof(value));
        var bytes = Encoding.ASCII.GetBytes(value);
        // UIDs pad with NUL, text with a space (PS3.5 §6.2).
        return Raw(tag, vr, Pad(bytes, vr == "UI" ? (byte)0 : (byte)' '));
    }

    public DicomDataset Decimals(DicomTag tag, params double[] values) =>
        String(tag, "DS", string.Join('\\', values.Select(FormatDs)));

    public DicomDataset UShort(DicomTag tag, params ushort[] values)
    {
        var b = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), values[i]);
        return Raw(tag, "US", b);
    }

    public DicomDataset ULong(DicomTag tag, params uint[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4 * i), values[i]);
        return Raw(tag, "UL", b);
    }

    /// <summary>An attribute tag value (a pointer to another attribute).</summary>
    public DicomDataset Tag(DicomTag tag, DicomTag value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), value.Element);
        return Raw(tag, "AT", b);
    }

    public DicomDataset Bytes(DicomTag tag, string vr, byte[] value) => Raw(tag, vr, Pad(value, 0));

    public DicomDataset Sequence(DicomTag tag, IEnumerable<DicomDataset> items)
    {
        using var s = new MemoryStream();
        Span<byte> head = stackalloc byte[8];
        foreach (var item in items)
        {
            byte[] body = item.Encode();
            BinaryPrimitives.WriteUInt16LittleEndian(head, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(head[2..], 0xE000);
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)body.Length);
            s.Write(head);
            s.Write(body);
        }
        return Raw(tag, "SQ", s.ToArray());
    }

    public DicomDataset Sequence(DicomTag tag, params DicomDataset[] items) => Sequence(tag, (IEnumerable<DicomDataset>)items);

    /// <summary>The elements, in tag order.</summary>
    public byte[] Encode()
    {
        using var s = new MemoryStream();
        foreach (var e in _elements.Values) s.Write(e);
        return s.ToArray();
    }

    /// <summary>Bytes of every element of group <paramref name="group"/> (for the file meta group length).</summary>
    public int GroupLength(ushort group) => _elements.Where(e => e.Key >> 16 == group).Sum(e => e.Value.Length);

    /// <summary>A Part 10 file: 128-byte preamble, "DICM", <paramref name="meta"/> (group 0002, its length added) and this data set.</summary>
    public void WriteFile(string path, DicomDataset meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        meta.ULong(new DicomTag(0x0002, 0x0000), (uint)meta.GroupLength(0x0002));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Core.IO.OutputFile.Write(path, file =>
        {
            file.Write(new byte[128]);
            file.Write("DICM"u8);
            file.Write(meta.Encode());
            file.Write(Encode());
        });
    }

    /// <summary>A UID that nobody else will mint: 2.25 followed by a random UUID as a decimal (PS3.5 §B.2).</summary>
    public static string NewUid() => "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray().Append((byte)0).ToArray()).ToString(CultureInfo.InvariantCulture);

    /// <summary>A DS value: at most 16 characters (PS3.5 §6.2), round-trip precision where it fits.</summary>
    public static string FormatDs(double v)
    {
        foreach (string format in new[] { "R", "G15", "G12", "G10", "G8", "G6" })
        {
            string s = v.ToString(format, CultureInfo.InvariantCulture);
            if (s.Length <= 16) return s;
        }
        return v.ToString("E6", CultureInfo.InvariantCulture);
    }

    private DicomDataset Raw(DicomTag tag, string vr, byte[] value)
    {
        bool longVr = s_longVrs.Contains(vr);
        if (!longVr && value.Length > ushort.MaxValue) throw new ArgumentException($"{tag} {vr}: {value.Length} bytes do not fit a 16-bit length", nameof(value));
        var e = new byte[(longVr ? 12 : 8) + value.Length];
        var span = e.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
        span[4] = (byte)vr[0];
        span[5] = (byte)vr[1];
        if (longVr) BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)value.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)value.Length);
        value.CopyTo(span[(longVr ? 12 : 8)..]);
        _elements[((uint)tag.Group << 16) | tag.Element] = e;
        return this;
    }

    private static byte[] Pad(byte[] b, byte pad) => b.Length % 2 == 0 ? b : [.. b, pad];
}
