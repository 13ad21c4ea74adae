namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>CRC-64 ECMA-182 as OpenIGTLink computes it over a message body: polynomial 0x42F0E1EBA9EA3693, MSB first, initial 0, no final XOR.</summary>
public static class Crc64Ecma
{
    private const ulong Polynomial = 0x42F0E1EBA9EA3693;
    private static readonly ulong[] s_table = BuildTable();

    public static ulong Compute(ReadOnlySpan<byte> data, ulong crc = 0)
    {
        foreach (byte b in data) crc = s_table[(byte)((crc >> 56) ^ b)] ^ (crc << 8);
        return crc;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[256];
        for (int i = 0; i < 256; i++)
        {
            ulong c = (ulong)i << 56;
            for (int k = 0; k < 8; k++) c = (c & 0x8000000000000000) != 0 ? (c << 1) ^ Polynomial : c << 1;
            table[i] = c;
        }
        return table;
    }
}
