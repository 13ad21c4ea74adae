using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>
/// Per-slice <see cref="FrameGeometry"/> of a sorted DICOM series, from Image Position / Orientation
/// (Patient), Pixel Spacing and the spacing of the positions themselves.
/// </summary>
/// <remarks>
/// Known only when every slice is a single-frame file with position, orientation and pixel
/// spacing, all slices share one orientation and the series was sorted by position along the
/// normal; otherwise every slice says why it is unknown. Slice spacing is the median distance
/// between neighbouring positions (the scan's real spacing; Slice Thickness can differ from it,
/// e.g. overlapping reconstructions), falling back to Spacing Between Slices, then Slice Thickness,
/// for a single slice.
/// </remarks>
public static class DicomGeometry
{
    public static FrameGeometry[] Of(IReadOnlyList<DicomImageInfo> files, bool sortedByPosition)
    {
        var result = new FrameGeometry[files.Sum(f => f.Frames)];
        string? why = WhyUnknown(files, sortedByPosition);
        if (why is not null)
        {
            Array.Fill(result, FrameGeometry.UnknownBecause(why));
            return result;
        }
        var o = files[0].Orientation!;
        Vec3 rowDir = new Vec3(o[0], o[1], o[2]).Unit(), colDir = new Vec3(o[3], o[4], o[5]).Unit();
        var normal = rowDir.Cross(colDir).Unit();
        var positions = files.Select(f => new Vec3(f.Position![0], f.Position[1], f.Position[2])).ToArray();
        double spacing = files.Count > 1
            ? Median(Enumerable.Range(1, files.Count - 1).Select(i => (positions[i] - positions[i - 1]).Dot(normal)).ToArray())
            : files[0].SpacingBetweenSlices ?? files[0].SliceThickness ?? 0;
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            result[i] = new FrameGeometry
            {
                IsKnown = true, Note = "DICOM",
                ColumnSpacing = f.PixelSpacing![1], RowSpacing = f.PixelSpacing[0], SliceSpacing = spacing,
                Origin = positions[i], RowDirection = rowDir, ColumnDirection = colDir, SliceDirection = normal,
                VolumeId = f.SeriesInstanceUid.Length > 0 ? f.SeriesInstanceUid : System.IO.Path.GetDirectoryName(f.Path) ?? f.Path,
                SliceIndex = i, SliceCount = files.Count,
                StudyInstanceUid = f.StudyInstanceUid, SeriesInstanceUid = f.SeriesInstanceUid, FrameOfReferenceUid = f.FrameOfReferenceUid,
                SopInstanceUid = f.SopInstanceUid, SopClassUid = f.SopClassUid,
            };
        }
        return result;
    }

    private static string? WhyUnknown(IReadOnlyList<DicomImageInfo> files, bool sortedByPosition)
    {
        if (files.Any(f => f.Frames > 1)) return "unknown: multi-frame DICOM (per-frame positions are not read)";
        if (files.Any(f => f.Position is null || f.Orientation is null)) return "unknown: DICOM without Image Position / Orientation (Patient)";
        if (files.Any(f => f.PixelSpacing is null)) return "unknown: DICOM without Pixel Spacing";
        if (!sortedByPosition) return "unknown: DICOM slices could not be ordered by position";
        var o = files[0].Orientation!;
        if (files.Any(f => f.Orientation!.Zip(o).Any(p => Math.Abs(p.First - p.Second) > 1e-4)))
            return "unknown: DICOM slices with different orientations (not one volume)";
        return null;
    }

    private static double Median(double[] xs)
    {
        Array.Sort(xs);
        return xs.Length % 2 == 1 ? xs[xs.Length / 2] : (xs[xs.Length / 2 - 1] + xs[xs.Length / 2]) / 2;
    }
}
