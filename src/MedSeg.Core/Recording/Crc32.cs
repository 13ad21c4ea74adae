using System.Buffers.Binary;

namespace MedSeg.Core.Recording;

/// <summary>
/// CRC-32/ISO-HDLC (the zlib / PNG / Python <c>zlib.crc32</c> checksum), slicing-by-8.
/// </summary>
/// <remarks>
/// System.IO.Hashing is a separate NuGet package, not part of the shared framework, and other
/// tools must be able to check records with nothing but a standard library, so this is the
/// plain zlib CRC: <c>zlib.crc32(prefix[0:8] + payload) == crc</c> in Python.
/// </remarks>
public static class Crc32
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>CRC of <paramref name="data"/>; pass a previous result as <paramref name="crc"/> to continue it.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0)
    {
        uint c = ~crc;
        var t = s_table;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ c;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c = t[7 * 256 + (one & 0xFF)] ^ t[6 * 256 + ((one >> 8) & 0xFF)] ^ t[5 * 256 + ((one >> 16) & 0xFF)] ^ t[4 * 256 + (one >> 24)]
              ^ t[3 * 256 + (two & 0xFF)] ^ t[2 * 256 + ((two >> 8) & 0xFF)] ^ t[1 * 256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data = data[8..];
        }
        foreach (byte b in data) c = t[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        for (int i = 0; i < 256; i++)
            for (int s = 1; s < 8; s++)
                t[s * 256 + i] = (t[(s - 1) * 256 + i] >> 8) ^ t[t[(s - 1) * 256 + i] & 0xFF];
        return t;
    }
}
