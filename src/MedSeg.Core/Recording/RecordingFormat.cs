using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>
/// Constants of the session file format (recordings/FORMAT.md is the spec; keep them in step).
/// </summary>
/// <remarks>
/// <code>
/// file     := preamble record* [footer-record trailer]
/// preamble := 89 'M' 'S' 'R' 'E' 'C' 0D 0A, version u32 LE                       (12 bytes)
/// record   := kind u8, 0 u8, 0 u16, length u32 LE, crc32 u32 LE, payload[length]   (12 + length)
///             crc32 = CRC-32/ISO-HDLC over the first 8 prefix bytes, then the payload
/// payload  := one MessagePack map with string keys
/// trailer  := footer record offset u64 LE, 'M' 'S' 'R' 'E' 'C' 'E' 'N' 'D'         (16 bytes)
/// </code>
/// </remarks>
public static class RecordingFormat
{
    /// <summary>PNG-style magic: the high byte catches 7-bit transfers, CR LF catches newline translation.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'S', (byte)'R', (byte)'E', (byte)'C', 0x0D, 0x0A];

    public static ReadOnlySpan<byte> TrailerMagic => "MSRECEND"u8;

    /// <summary>The version this build writes. Version 2 added the frame record's <c>geo</c> map.</summary>
    public const uint Version = 2;

    /// <summary>The oldest version this build still reads (version 1 files are version 2 files without geometry).</summary>
    public const uint OldestReadableVersion = 1;

    public static bool IsReadable(long version) => version >= OldestReadableVersion && version <= Version;

    public const int PreambleLength = 12;
    public const int PrefixLength = 12;
    public const int TrailerLength = 16;

    public const byte HeaderKind = (byte)'H';
    public const byte FrameKind = (byte)'F';
    public const byte FooterKind = (byte)'E';

    /// <summary>Stage stamps in the order of a frame record's "st" array (header key "stage_names").</summary>
    public static IReadOnlyList<string> StageNames { get; } =
        ["captured", "queued", "preprocessed", "batched", "inference_start", "inference_end", "postprocessed", "presented", "recorded"];

    public static string Name(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => "gray8",
        PixelFormat.Gray16 => "gray16",
        PixelFormat.Int16 => "int16",
        PixelFormat.Bgr24 => "bgr24",
        PixelFormat.Float32 => "float32",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    public static bool TryParsePixelFormat(ReadOnlySpan<byte> name, out PixelFormat format)
    {
        format = name switch
        {
            _ when name.SequenceEqual("gray8"u8) => PixelFormat.Gray8,
            _ when name.SequenceEqual("gray16"u8) => PixelFormat.Gray16,
            _ when name.SequenceEqual("int16"u8) => PixelFormat.Int16,
            _ when name.SequenceEqual("bgr24"u8) => PixelFormat.Bgr24,
            _ when name.SequenceEqual("float32"u8) => PixelFormat.Float32,
            _ => (PixelFormat)(-1),
        };
        return format.IsDefined();
    }

    internal static void ToArray(in StageTimes t, Span<long> s)
    {
        s[0] = t.Captured; s[1] = t.Queued; s[2] = t.Preprocessed; s[3] = t.Batched; s[4] = t.InferenceStart;
        s[5] = t.InferenceEnd; s[6] = t.Postprocessed; s[7] = t.Presented; s[8] = t.Recorded;
    }

    internal static StageTimes FromArray(ReadOnlySpan<long> s) => new()
    {
        Captured = s[0], Queued = s[1], Preprocessed = s[2], Batched = s[3], InferenceStart = s[4],
        InferenceEnd = s[5], Postprocessed = s[6], Presented = s[7], Recorded = s[8],
    };

    /// <summary>A class colour as the header's <c>class_colors</c> stores it: <c>#rrggbb</c>.</summary>
    public static string FormatColor(byte r, byte g, byte b) => $"#{r:x2}{g:x2}{b:x2}";

    /// <summary>Reads a <c>#rrggbb</c> class colour; false for anything else (the header is untrusted).</summary>
    public static bool TryParseColor(string? text, out byte r, out byte g, out byte b)
    {
        (r, g, b) = (0, 0, 0);
        if (text is not { Length: 7 } || text[0] != '#'
            || !int.TryParse(text.AsSpan(1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out int rgb))
            return false;
        (r, g, b) = ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        return true;
    }

    /// <summary>A frame's name wherever frames leave the session (exported files, score reports): <c>frame-000042</c>.</summary>
    public static string FrameId(long seq) => $"frame-{seq.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)}";
}
