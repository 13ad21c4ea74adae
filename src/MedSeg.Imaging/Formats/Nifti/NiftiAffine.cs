using System.Buffers.Binary;
using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>
/// The voxel-to-world transform of a NIfTI-1 header, chosen as nibabel's <c>get_best_affine</c>
/// does: the sform when sform_code &gt; 0, else the qform (quaternion, qfac, pixdim) when
/// qform_code &gt; 0, else pixdim scaling about the volume centre with x flipped (ANALYZE).
/// </summary>
/// <remarks>World coordinates are NIfTI's RAS+ (mm); <see cref="Lps"/> converts to DICOM's LPS.
/// <see cref="M"/> is row-major 3 × 4: world = M · (i, j, k, 1).</remarks>
public sealed record NiftiAffine(double[] M, string Source)
{
    /// <summary>Reads the transform from the raw 348 header bytes.</summary>
    public static NiftiAffine Read(ReadOnlySpan<byte> h, NiftiHeader header)
    {
        bool big = header.BigEndian;
        short qcode = S(h, 252, big), scode = S(h, 254, big);
        var p = header.PixDims;
        if (scode > 0)
        {
            var m = new double[12];
            for (int i = 0; i < 12; i++) m[i] = F(h, 280 + 4 * i, big);
            if (m.All(double.IsFinite) && m.Any(v => v != 0)) return new NiftiAffine(m, $"sform (code {scode})");
        }
        if (qcode > 0)
        {
            double b = F(h, 256, big), c = F(h, 260, big), d = F(h, 264, big);
            double a = 1 - (b * b + c * c + d * d);
            if (a < 1e-7)
            {
                // nifti1_io: a 180° rotation; renormalise (b, c, d).
                double n = 1 / Math.Sqrt(b * b + c * c + d * d);
                (a, b, c, d) = (0, b * n, c * n, d * n);
            }
            else a = Math.Sqrt(a);
            double qfac = p[0] < 0 ? -1 : 1;
            double dx = p[1] > 0 ? p[1] : 1, dy = p[2] > 0 ? p[2] : 1, dz = (p[3] > 0 ? p[3] : 1) * qfac;
            double[] r =
            [
                a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
                2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
                2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
            ];
            double[] q = [F(h, 268, big), F(h, 272, big), F(h, 276, big)];
            var m = new double[12];
            for (int row = 0; row < 3; row++)
            {
                m[4 * row] = r[3 * row] * dx;
                m[4 * row + 1] = r[3 * row + 1] * dy;
                m[4 * row + 2] = r[3 * row + 2] * dz;
                m[4 * row + 3] = q[row];
            }
            return new NiftiAffine(m, $"qform (code {qcode})");
        }
        double[] z = [p[1] > 0 ? p[1] : 1, p[2] > 0 ? p[2] : 1, p[3] > 0 ? p[3] : 1];
        var dims = header.Dims;
        double[] diag = [-z[0], z[1], z[2]];
        var fallback = new double[12];
        for (int row = 0; row < 3; row++)
        {
            fallback[4 * row + row] = diag[row];
            fallback[4 * row + 3] = -(dims[row] - 1) / 2.0 * diag[row];
        }
        return new NiftiAffine(fallback, "no sform/qform: pixdim about the centre (as nibabel)");
    }

    /// <summary>The world step of voxel axis <paramref name="axis"/> (0 = i, 1 = j, 2 = k), in LPS.</summary>
    public Vec3 AxisLps(int axis) => Lps(new Vec3(M[axis], M[4 + axis], M[8 + axis]));

    /// <summary>World position of voxel (i, j, k) in LPS.</summary>
    public Vec3 PointLps(double i, double j, double k) => Lps(new Vec3(
        M[0] * i + M[1] * j + M[2] * k + M[3], M[4] * i + M[5] * j + M[6] * k + M[7], M[8] * i + M[9] * j + M[10] * k + M[11]));

    /// <summary>RAS ↔ LPS: x and y change sign (the same map both ways).</summary>
    public static Vec3 Lps(Vec3 ras) => new(-ras.X, -ras.Y, ras.Z);

    private static short S(ReadOnlySpan<byte> h, int at, bool big) =>
        big ? BinaryPrimitives.ReadInt16BigEndian(h[at..]) : BinaryPrimitives.ReadInt16LittleEndian(h[at..]);

    private static float F(ReadOnlySpan<byte> h, int at, bool big) =>
        big ? BinaryPrimitives.ReadSingleBigEndian(h[at..]) : BinaryPrimitives.ReadSingleLittleEndian(h[at..]);
}
