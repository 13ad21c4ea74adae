using System.Buffers.Binary;
using System.Text;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// The 58-byte big-endian OpenIGTLink message header: version u16, type char[12], device name
/// char[20], timestamp u64 (seconds in the high 32 bits, fraction of a second in the low 32),
/// body size u64, CRC-64 of the body u64.
/// </summary>
public readonly record struct IgtlHeader(ushort Version, string Type, string DeviceName, ulong Timestamp, ulong BodySize, ulong Crc)
{
    public const int Size = 58;

    public static IgtlHeader Parse(ReadOnlySpan<byte> h)
    {
        if (h.Length < Size) throw new ArgumentException($"an OpenIGTLink header is {Size} bytes, got {h.Length}", nameof(h));
        return new IgtlHeader(
            BinaryPrimitives.ReadUInt16BigEndian(h),
            Ascii(h.Slice(2, 12)),
            Ascii(h.Slice(14, 20)),
            BinaryPrimitives.ReadUInt64BigEndian(h[34..]),
            BinaryPrimitives.ReadUInt64BigEndian(h[42..]),
            BinaryPrimitives.ReadUInt64BigEndian(h[50..]));
    }

    public void Write(Span<byte> h)
    {
        if (h.Length < Size) throw new ArgumentException($"an OpenIGTLink header is {Size} bytes", nameof(h));
        h[..Size].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(h, Version);
        Encoding.ASCII.GetBytes(Type.AsSpan(0, Math.Min(Type.Length, 12)), h.Slice(2, 12));
        Encoding.ASCII.GetBytes(DeviceName.AsSpan(0, Math.Min(DeviceName.Length, 20)), h.Slice(14, 20));
        BinaryPrimitives.WriteUInt64BigEndian(h[34..], Timestamp);
        BinaryPrimitives.WriteUInt64BigEndian(h[42..], BodySize);
        BinaryPrimitives.WriteUInt64BigEndian(h[50..], Crc);
    }

    /// <summary>The timestamp as time since the Unix epoch; zero when the sender left it empty.</summary>
    public TimeSpan Time => ToTime(Timestamp);

    public static TimeSpan ToTime(ulong timestamp) =>
        TimeSpan.FromTicks((long)(timestamp >> 32) * TimeSpan.TicksPerSecond + (long)((timestamp & 0xFFFFFFFF) * (double)TimeSpan.TicksPerSecond / 4294967296.0));

    public static ulong FromTime(TimeSpan sinceEpoch)
    {
        long seconds = sinceEpoch.Ticks / TimeSpan.TicksPerSecond;
        long rest = sinceEpoch.Ticks % TimeSpan.TicksPerSecond;
        return ((ulong)seconds << 32) | (uint)(rest * 4294967296.0 / TimeSpan.TicksPerSecond);
    }

    private static string Ascii(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }
}
