using System.Buffers.Binary;

namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// The TRANSFORM message (type "TRANSFORM"): 12 big-endian float32, the upper 3 × 4 of a 4 × 4
/// homogeneous transform in column order — R11 R21 R31, R12 R22 R32, R13 R23 R33, TX TY TZ (mm).
/// PLUS sends the probe's pose this way beside tracked ultrasound images.
/// </summary>
public static class IgtlTransform
{
    public const string Type = "TRANSFORM";
    public const int BodySize = 48;

    /// <summary>Row-major 3 × 4 (<c>m[4·row + column]</c>, column 3 = translation).</summary>
    public static double[] Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < BodySize) throw new InvalidDataException($"a TRANSFORM body is {BodySize} bytes, got {body.Length}");
        var m = new double[12];
        for (int column = 0; column < 4; column++)
            for (int row = 0; row < 3; row++)
                m[4 * row + column] = BinaryPrimitives.ReadSingleBigEndian(body[(4 * (3 * column + row))..]);
        if (!m.All(double.IsFinite)) throw new InvalidDataException("a TRANSFORM holds non-finite values");
        return m;
    }

    public static byte[] Encode(ReadOnlySpan<double> rowMajor3x4)
    {
        if (rowMajor3x4.Length != 12) throw new ArgumentException("a 3 × 4 matrix has 12 entries", nameof(rowMajor3x4));
        var body = new byte[BodySize];
        for (int column = 0; column < 4; column++)
            for (int row = 0; row < 3; row++)
                BinaryPrimitives.WriteSingleBigEndian(body.AsSpan(4 * (3 * column + row)), (float)rowMajor3x4[4 * row + column]);
        return body;
    }
}
