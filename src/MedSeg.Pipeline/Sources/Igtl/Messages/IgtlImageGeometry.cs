using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources.Igtl.Messages;

/// <summary>
/// IMAGE placement ↔ <see cref="FrameGeometry"/>: the IMAGE matrix holds the i, j, k directions
/// scaled by the spacing and the position of the volume's centre (as 3D Slicer reads it), in RAS
/// or LPS as its coordinate field says; frames carry LPS with the first pixel's centre.
/// </summary>
public static class IgtlImageGeometry
{
    /// <summary>The geometry of slice <paramref name="k"/> of the carried sub-volume.</summary>
    public static FrameGeometry ToFrame(IgtlImageHeader h, int k, string device)
    {
        ArgumentNullException.ThrowIfNull(h);
        var m = h.Matrix;
        Vec3 i = Lps(h, new(m[0], m[1], m[2])), j = Lps(h, new(m[3], m[4], m[5])), n = Lps(h, new(m[6], m[7], m[8])), centre = Lps(h, new(m[9], m[10], m[11]));
        if (i.Length == 0 || j.Length == 0) return FrameGeometry.UnknownBecause("unknown: the IMAGE matrix has a zero direction");
        // Corner of the whole image from its centre, then the sub-volume's offset.
        var corner = centre - ((h.Size[0] - 1) / 2.0) * i - ((h.Size[1] - 1) / 2.0) * j - ((h.Size[2] - 1) / 2.0) * n;
        var origin = corner + h.SubOffset[0] * i + h.SubOffset[1] * j + (h.SubOffset[2] + k) * n;
        return new FrameGeometry
        {
            IsKnown = true, Note = $"OpenIGTLink IMAGE ({(h.Coordinate == IgtlImageHeader.CoordinateLps ? "LPS" : "RAS")})",
            ColumnSpacing = i.Length, RowSpacing = j.Length, SliceSpacing = h.Size[2] > 1 ? n.Length : 0,
            Origin = origin, RowDirection = i.Unit(), ColumnDirection = j.Unit(), SliceDirection = n.Length > 0 ? n.Unit() : i.Unit().Cross(j.Unit()),
            VolumeId = device, SliceIndex = h.SubOffset[2] + k, SliceCount = h.Size[2],
        };
    }

    /// <summary>The RAS IMAGE matrix of a <paramref name="width"/> × <paramref name="height"/> single-slice map placed as <paramref name="g"/> says.</summary>
    public static float[] ToMatrix(FrameGeometry g, int width, int height, int frameWidth, int frameHeight)
    {
        ArgumentNullException.ThrowIfNull(g);
        // A map coarser than the frame (the model's input size) covers the same area with larger pixels.
        double sx = g.ColumnSpacing * frameWidth / width, sy = g.RowSpacing * frameHeight / height;
        Vec3 i = sx * g.RowDirection, j = sy * g.ColumnDirection, n = (g.SliceSpacing > 0 ? g.SliceSpacing : 1) * g.SliceDirection;
        // The first map pixel's centre sits half a map pixel in from the frame's corner.
        var first = g.Origin - (0.5 * g.ColumnSpacing) * g.RowDirection - (0.5 * g.RowSpacing) * g.ColumnDirection + 0.5 * i + 0.5 * j;
        var centre = first + ((width - 1) / 2.0) * i + ((height - 1) / 2.0) * j;
        Vec3 ri = Ras(i), rj = Ras(j), rn = Ras(n), rc = Ras(centre);
        return [(float)ri.X, (float)ri.Y, (float)ri.Z, (float)rj.X, (float)rj.Y, (float)rj.Z, (float)rn.X, (float)rn.Y, (float)rn.Z, (float)rc.X, (float)rc.Y, (float)rc.Z];
    }

    private static Vec3 Lps(IgtlImageHeader h, Vec3 v) => h.Coordinate == IgtlImageHeader.CoordinateLps ? v : Ras(v);

    private static Vec3 Ras(Vec3 v) => new(-v.X, -v.Y, v.Z);
}
