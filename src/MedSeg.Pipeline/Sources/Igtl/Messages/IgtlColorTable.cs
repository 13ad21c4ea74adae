namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// The COLORTABLE message (type "COLORT") for an 8-bit label map: index type u8 (3 = uint8), map type
/// u8 (19 = RGB), then 256 × (R, G, B). Entries past the classes are black.
/// </summary>
public static class IgtlColorTable
{
    public const string Type = "COLORT";
    public const byte IndexUInt8 = 3, MapRgb = 19;
    public const int BodySize = 2 + 256 * 3;

    public static byte[] Encode(IReadOnlyList<(byte R, byte G, byte B)> colors)
    {
        ArgumentNullException.ThrowIfNull(colors);
        if (colors.Count > 256) throw new ArgumentException($"{colors.Count} colours do not fit an 8-bit table", nameof(colors));
        var body = new byte[BodySize];
        (body[0], body[1]) = (IndexUInt8, MapRgb);
        for (int i = 0; i < colors.Count; i++) (body[2 + 3 * i], body[3 + 3 * i], body[4 + 3 * i]) = colors[i];
        return body;
    }

    /// <summary>The 256 RGB entries of an 8-bit-index RGB table.</summary>
    /// <exception cref="InvalidDataException">Another index or map type, or the wrong size.</exception>
    public static (byte R, byte G, byte B)[] Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < 2 || body[0] != IndexUInt8 || body[1] != MapRgb)
            throw new InvalidDataException($"only 8-bit-index RGB colour tables are read (index type 3, map type 19); got {(body.Length < 2 ? "a short body" : $"{body[0]}, {body[1]}")}");
        if (body.Length != BodySize) throw new InvalidDataException($"an 8-bit RGB colour table is {BodySize} bytes, got {body.Length}");
        var colors = new (byte, byte, byte)[256];
        for (int i = 0; i < 256; i++) colors[i] = (body[2 + 3 * i], body[3 + 3 * i], body[4 + 3 * i]);
        return colors;
    }
}
