using System.Buffers.Binary;
using System.IO.Compression;

namespace MedSeg.Imaging.Tests.Formats;

/// <summary>Writes NIfTI-1 files byte by byte, as the standard lays them out (no NIfTI tool is served here).</summary>
internal static class NiftiWriter
{
    public static byte[] Build(int[] dims, short datatype, short bitpix, byte[] data, float slope = 0, float inter = 0,
                               bool bigEndian = false, float voxOffset = 352, string magic = "n+1", int sizeofHdr = 348, float calMin = 0, float calMax = 0)
    {
        var b = new byte[(int)voxOffset + data.Length];

        void I32(int at, int v) { if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), v); }
        void I16(int at, short v) { if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(at), v); }
        void F32(int at, float v) { if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(at), v); }
        I32(0, sizeofHdr);
        I16(40, (short)dims.Length);
        for (int i = 0; i < dims.Length; i++) I16(42 + 2 * i, (short)dims[i]);
        I16(70, datatype);
        I16(72, bitpix);
        for (int i = 0; i < 8; i++) F32(76 + 4 * i, 1);
        F32(108, voxOffset);
        F32(112, slope);
        F32(116, inter);
        F32(124, calMax);
        F32(128, calMin);
        System.Text.Encoding.ASCII.GetBytes(magic + "\0").CopyTo(b, 344);
        data.CopyTo(b, (int)voxOffset);
        return b;
    }

    public static string Write(string path, byte[] file)
    {
        if (path.EndsWith(".gz"))
        {
            using var f = File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(file);
        }
        else File.WriteAllBytes(path, file);
        return path;
    }

    public static byte[] Int16s(IEnumerable<int> values, bool bigEndian = false)
    {
        var list = values.ToArray();
        var bytes = new byte[list.Length * 2];
        for (int i = 0; i < list.Length; i++)
            if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(2 * i), (short)list[i]);
            else BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)list[i]);
        return bytes;
    }
}
