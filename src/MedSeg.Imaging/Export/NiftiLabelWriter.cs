using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Export;

/// <summary>
/// Writes a <see cref="LabelVolume"/> as a NIfTI-1 file (<c>.nii</c>, or gzip for <c>.nii.gz</c>):
/// uint8 class ids, x = columns, y = rows, z = slices, with the source's voxel-to-world transform
/// as both sform and qform (code 1, scanner), in NIfTI's RAS (DICOM LPS with x and y negated).
/// </summary>
/// <remarks>The qform is the nearest rotation (qfac −1 for a left-handed grid); the sform is
/// the exact affine, which nibabel and ITK prefer when present.</remarks>
public static class NiftiLabelWriter
{
    /// <summary>The 3 × 4 RAS affine of the volume, row-major (world = A · (i, j, k, 1)).</summary>
    public static double[] Affine(LabelVolume v)
    {
        var g = v.First;
        Vec3 i = Ras(g.ColumnSpacing * g.RowDirection), j = Ras(g.RowSpacing * g.ColumnDirection);
        // One slice has no spacing; NIfTI needs a non-degenerate step, so use the in-plane normal at 1 mm.
        Vec3 k = Ras((g.SliceSpacing > 0 ? g.SliceSpacing : 1) * g.SliceDirection), o = Ras(g.Origin);
        return [i.X, j.X, k.X, o.X, i.Y, j.Y, k.Y, o.Y, i.Z, j.Z, k.Z, o.Z];
    }

    public static void Write(string path, LabelVolume v, string description)
    {
        ArgumentNullException.ThrowIfNull(v);
        var a = Affine(v);
        var head = new byte[352];
        var h = head.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(h, 348);
        short[] dims = [3, (short)v.Width, (short)v.Height, (short)v.Depth, 1, 1, 1, 1];
        for (int d = 0; d < 8; d++) BinaryPrimitives.WriteInt16LittleEndian(h[(40 + 2 * d)..], dims[d]);
        BinaryPrimitives.WriteInt16LittleEndian(h[70..], 2);   // DT_UINT8
        BinaryPrimitives.WriteInt16LittleEndian(h[72..], 8);   // bitpix
        var (quat, qfac, spacing) = Quaternion(a);
        float[] pixdim = [(float)qfac, (float)spacing.X, (float)spacing.Y, (float)spacing.Z, 0, 0, 0, 0];
        for (int d = 0; d < 8; d++) BinaryPrimitives.WriteSingleLittleEndian(h[(76 + 4 * d)..], pixdim[d]);
        BinaryPrimitives.WriteSingleLittleEndian(h[108..], 352); // vox_offset
        BinaryPrimitives.WriteSingleLittleEndian(h[112..], 1);   // scl_slope: ids as stored
        h[123] = 2;                                               // xyzt_units: mm
        BinaryPrimitives.WriteSingleLittleEndian(h[124..], v.Labels.Length > 0 ? v.Labels.Max() : 0); // cal_max
        Encoding.ASCII.GetBytes(description.Length > 79 ? description[..79] : description).CopyTo(h[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(h[252..], 1);  // qform_code: scanner
        BinaryPrimitives.WriteInt16LittleEndian(h[254..], 1);  // sform_code: scanner
        for (int q = 0; q < 3; q++) BinaryPrimitives.WriteSingleLittleEndian(h[(256 + 4 * q)..], (float)quat[q]);
        for (int q = 0; q < 3; q++) BinaryPrimitives.WriteSingleLittleEndian(h[(268 + 4 * q)..], (float)a[4 * q + 3]);
        for (int q = 0; q < 12; q++) BinaryPrimitives.WriteSingleLittleEndian(h[(280 + 4 * q)..], (float)a[q]);
        Encoding.ASCII.GetBytes("labels").CopyTo(h[328..]);     // intent_name
        "n+1\0"u8.CopyTo(h[344..]);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Core.IO.OutputFile.Write(path, file =>
        {
            using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : file;
            s.Write(head);
            s.Write(v.Labels);
        });
    }

    private static Vec3 Ras(Vec3 lps) => new(-lps.X, -lps.Y, lps.Z);

    /// <summary>nifti1_io's mat44_to_quatern for an orthogonal 3 × 3 part: (b, c, d), qfac, column lengths.</summary>
    private static (double[] Bcd, double Qfac, Vec3 Spacing) Quaternion(double[] a)
    {
        Vec3 c0 = new(a[0], a[4], a[8]), c1 = new(a[1], a[5], a[9]), c2 = new(a[2], a[6], a[10]);
        var spacing = new Vec3(c0.Length, c1.Length, c2.Length);
        Vec3 x = c0.Unit(), y = c1.Unit(), z = c2.Unit();
        double det = x.Dot(y.Cross(z));
        double qfac = det < 0 ? -1 : 1;
        if (det < 0) z = -1 * z;
        double r11 = x.X, r12 = y.X, r13 = z.X, r21 = x.Y, r22 = y.Y, r23 = z.Y, r31 = x.Z, r32 = y.Z, r33 = z.Z;
        double qa = r11 + r22 + r33 + 1, qb, qc, qd;
        if (qa > 0.5)
        {
            qa = 0.5 * Math.Sqrt(qa);
            qb = 0.25 * (r32 - r23) / qa; qc = 0.25 * (r13 - r31) / qa; qd = 0.25 * (r21 - r12) / qa;
        }
        else
        {
            double xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22);
            if (xd > 1) { qb = 0.5 * Math.Sqrt(xd); qc = 0.25 * (r12 + r21) / qb; qd = 0.25 * (r13 + r31) / qb; qa = 0.25 * (r32 - r23) / qb; }
            else if (yd > 1) { qc = 0.5 * Math.Sqrt(yd); qb = 0.25 * (r12 + r21) / qc; qd = 0.25 * (r23 + r32) / qc; qa = 0.25 * (r13 - r31) / qc; }
            else { qd = 0.5 * Math.Sqrt(zd); qb = 0.25 * (r13 + r31) / qd; qc = 0.25 * (r23 + r32) / qd; qa = 0.25 * (r21 - r12) / qd; }
            if (qa < 0) (qb, qc, qd) = (-qb, -qc, -qd);
        }
        return ([qb, qc, qd], qfac, spacing);
    }
}
