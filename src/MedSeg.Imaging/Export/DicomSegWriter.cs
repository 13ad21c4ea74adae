using System.Globalization;
using MedSeg.Imaging.Formats.Dicom;

namespace MedSeg.Imaging.Export;

/// <summary>
/// Writes a <see cref="LabelVolume"/> as a DICOM Segmentation object (PS3.3 A.51, SOP class
/// 1.2.840.10008.5.1.4.1.1.66.4), Explicit VR Little Endian: one segment per non-background
/// class (label = class name, Recommended Display CIELab from the class colour), one frame per
/// (segment, slice), per-frame Derivation Image / Plane Position / Segment Identification, shared
/// Pixel Measures / Plane Orientation, and the source series referenced when the slices carry
/// their DICOM SOP Instance UIDs.
/// </summary>
/// <remarks>
/// Binary: 1 bit per pixel, frames packed back to back (PS3.5 §8.1.1). Fractional: 8 bits,
/// PROBABILITY, 255 = 1.0, from <see cref="SegOptions.Fractions"/> (one plane per class).
/// Patient and study attributes come from the source series when the caller passes them
/// (<c>export --reference DIR</c>); otherwise they are written empty (type 2): a recording keeps no patient data.
/// The segmented property codes are SCT 85756007 "Tissue" (the model says nothing more specific);
/// the segment label carries the class name.
/// </remarks>
public static class DicomSegWriter
{
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private const string ImplementationUid = "2.25.302340512963101226372208347541960839451";

    /// <summary>What a segmentation says about itself.</summary>
    /// <param name="ClassNames">by class id; [0] (background) gets no segment.</param>
    /// <param name="Colors">RGB by class id.</param>
    /// <param name="Algorithm">model name for AUTOMATIC segments; null writes MANUAL (ground truth).</param>
    /// <param name="Fractions">per class id ≥ 1 (index 0 unused): Depth × Height × Width bytes, 255 = certain; null = binary.</param>
    /// <param name="PatientAndStudy">Patient / General Study attributes copied from the source series (see
    /// <see cref="DicomImageInfo.PatientAndStudyTags"/>); those absent are written empty (type 2).</param>
    public sealed record SegOptions(IReadOnlyList<string> ClassNames, IReadOnlyList<(byte R, byte G, byte B)> Colors, string? Algorithm,
                                    string SeriesDescription = "MedSeg segmentation", IReadOnlyList<byte[]?>? Fractions = null,
                                    IReadOnlyDictionary<DicomTag, string>? PatientAndStudy = null);

    public static void Write(string path, LabelVolume v, SegOptions o)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(o);
        int segments = o.ClassNames.Count - 1;
        if (segments < 1) throw new ArgumentException("no foreground class to write", nameof(o));
        bool fractional = o.Fractions is not null;
        var g = v.First;
        bool references = v.Slices.All(s => s.SopInstanceUid.Length > 0 && s.SopClassUid.Length > 0);
        string sopUid = DicomDataset.NewUid(), seriesUid = DicomDataset.NewUid();
        string now = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), time = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

        var d = new DicomDataset()
            .String(T(0x0008, 0x0008), "CS", "DERIVED\\PRIMARY")
            .String(T(0x0008, 0x0016), "UI", SegmentationStorage)
            .String(T(0x0008, 0x0018), "UI", sopUid)
            .String(T(0x0008, 0x0020), "DA", "")
            .String(T(0x0008, 0x0023), "DA", now)
            .String(T(0x0008, 0x0030), "TM", "")
            .String(T(0x0008, 0x0033), "TM", time)
            .String(T(0x0008, 0x0050), "SH", "")
            .String(T(0x0008, 0x0060), "CS", "SEG")
            .String(T(0x0008, 0x0070), "LO", "MedSeg.Realtime")
            .String(T(0x0008, 0x0090), "PN", "")
            .String(T(0x0008, 0x103E), "LO", o.SeriesDescription)
            .String(T(0x0008, 0x1090), "LO", "medseg")
            .String(T(0x0010, 0x0010), "PN", "")
            .String(T(0x0010, 0x0020), "LO", "")
            .String(T(0x0010, 0x0030), "DA", "")
            .String(T(0x0010, 0x0040), "CS", "")
            .String(T(0x0018, 0x1000), "LO", "0")
            .String(T(0x0018, 0x1020), "LO", "1")
            .String(T(0x0020, 0x000D), "UI", g.StudyInstanceUid.Length > 0 ? g.StudyInstanceUid : DicomDataset.NewUid())
            .String(T(0x0020, 0x000E), "UI", seriesUid)
            .String(T(0x0020, 0x0010), "SH", "")
            .String(T(0x0020, 0x0011), "IS", "300")
            .String(T(0x0020, 0x0013), "IS", "1")
            .String(T(0x0020, 0x0052), "UI", g.FrameOfReferenceUid.Length > 0 ? g.FrameOfReferenceUid : DicomDataset.NewUid())
            .String(T(0x0020, 0x1040), "LO", "")
            .UShort(T(0x0028, 0x0002), 1)
            .String(T(0x0028, 0x0004), "CS", "MONOCHROME2")
            .String(T(0x0028, 0x0008), "IS", (segments * v.Depth).ToString(CultureInfo.InvariantCulture))
            .UShort(T(0x0028, 0x0010), (ushort)v.Height)
            .UShort(T(0x0028, 0x0011), (ushort)v.Width)
            .UShort(T(0x0028, 0x0100), fractional ? (ushort)8 : (ushort)1)
            .UShort(T(0x0028, 0x0101), fractional ? (ushort)8 : (ushort)1)
            .UShort(T(0x0028, 0x0102), fractional ? (ushort)7 : (ushort)0)
            .UShort(T(0x0028, 0x0103), 0)
            .String(T(0x0028, 0x2110), "CS", "00")
            .String(T(0x0062, 0x0001), "CS", fractional ? "FRACTIONAL" : "BINARY")
            .String(T(0x0070, 0x0080), "CS", "MEDSEG")
            .String(T(0x0070, 0x0081), "LO", o.Algorithm is null ? "ground truth" : $"predicted by {o.Algorithm}")
            .String(T(0x0070, 0x0084), "PN", "");
        if (fractional)
        {
            d.UShort(T(0x0062, 0x000E), 255);
            d.String(T(0x0062, 0x0010), "CS", "PROBABILITY");
        }
        if (o.PatientAndStudy is { } copied)
        {
            string[] vrs = ["DA", "TM", "SH", "PN", "PN", "LO", "DA", "CS", "SH"];
            for (int i = 0; i < DicomImageInfo.PatientAndStudyTags.Count; i++)
                if (copied.TryGetValue(DicomImageInfo.PatientAndStudyTags[i], out string? value)) d.String(DicomImageInfo.PatientAndStudyTags[i], vrs[i], value);
        }
        d.Sequence(T(0x0062, 0x0002), Enumerable.Range(1, segments).Select(s => Segment(s, o)));
        if (references)
        {
            d.Sequence(T(0x0008, 0x1115), new DicomDataset()
                .Sequence(T(0x0008, 0x114A), v.Slices.Select(sl => new DicomDataset()
                    .String(T(0x0008, 0x1150), "UI", sl.SopClassUid)
                    .String(T(0x0008, 0x1155), "UI", sl.SopInstanceUid)))
                .String(T(0x0020, 0x000E), "UI", g.SeriesInstanceUid));
        }
        string dimensionUid = DicomDataset.NewUid();
        d.Sequence(T(0x0020, 0x9221), new DicomDataset().String(T(0x0020, 0x9164), "UI", dimensionUid));
        d.Sequence(T(0x0020, 0x9222),
            Dimension(dimensionUid, T(0x0062, 0x000B), T(0x0062, 0x000A), "ReferencedSegmentNumber"),
            Dimension(dimensionUid, T(0x0020, 0x0032), T(0x0020, 0x9113), "ImagePositionPatient"));
        d.String(T(0x0020, 0x9311), "CS", "3D");
        d.Sequence(T(0x5200, 0x9229), new DicomDataset()
            .Sequence(T(0x0028, 0x9110), new DicomDataset()
                .Decimals(T(0x0018, 0x0050), g.SliceSpacing > 0 ? g.SliceSpacing : 1)
                .Decimals(T(0x0018, 0x0088), g.SliceSpacing > 0 ? g.SliceSpacing : 1)
                .Decimals(T(0x0028, 0x0030), g.RowSpacing, g.ColumnSpacing))
            .Sequence(T(0x0020, 0x9116), new DicomDataset()
                .Decimals(T(0x0020, 0x0037), g.RowDirection.X, g.RowDirection.Y, g.RowDirection.Z, g.ColumnDirection.X, g.ColumnDirection.Y, g.ColumnDirection.Z)));
        d.Sequence(T(0x5200, 0x9230), Enumerable.Range(1, segments).SelectMany(s => Enumerable.Range(0, v.Depth).Select(k => PerFrame(v, s, k, references))));
        d.Bytes(T(0x7FE0, 0x0010), "OB", fractional ? Fractional(v, segments, o.Fractions!) : Binary(v, segments));

        var meta = new DicomDataset()
            .Bytes(T(0x0002, 0x0001), "OB", [0, 1])
            .String(T(0x0002, 0x0002), "UI", SegmentationStorage)
            .String(T(0x0002, 0x0003), "UI", sopUid)
            .String(T(0x0002, 0x0010), "UI", ExplicitVrLittleEndian)
            .String(T(0x0002, 0x0012), "UI", ImplementationUid)
            .String(T(0x0002, 0x0013), "SH", "MEDSEG_1");
        d.WriteFile(path, meta);
    }

    private static DicomDataset Segment(int s, SegOptions o)
    {
        var (r, gr, b) = s < o.Colors.Count ? o.Colors[s] : ((byte)255, (byte)255, (byte)255);
        var item = new DicomDataset()
            .Sequence(T(0x0062, 0x0003), Code("85756007", "SCT", "Tissue"))
            .UShort(T(0x0062, 0x0004), (ushort)s)
            .String(T(0x0062, 0x0005), "LO", o.ClassNames[s])
            .String(T(0x0062, 0x0008), "CS", o.Algorithm is null ? "MANUAL" : "AUTOMATIC")
            .UShort(T(0x0062, 0x000D), CieLab.DicomScaled(r, gr, b))
            .Sequence(T(0x0062, 0x000F), Code("85756007", "SCT", "Tissue"));
        if (o.Algorithm is not null) item.String(T(0x0062, 0x0009), "LO", o.Algorithm);
        return item;
    }

    private static DicomDataset PerFrame(LabelVolume v, int segment, int k, bool references)
    {
        var sl = v.Slices[k];
        var item = new DicomDataset()
            .Sequence(T(0x0020, 0x9111), new DicomDataset().ULong(T(0x0020, 0x9157), (uint)segment, (uint)(k + 1)))
            .Sequence(T(0x0020, 0x9113), new DicomDataset().Decimals(T(0x0020, 0x0032), sl.Origin.X, sl.Origin.Y, sl.Origin.Z))
            .Sequence(T(0x0062, 0x000A), new DicomDataset().UShort(T(0x0062, 0x000B), (ushort)segment));
        if (references)
        {
            item.Sequence(T(0x0008, 0x9124), new DicomDataset()
                .Sequence(T(0x0008, 0x2112), new DicomDataset()
                    .String(T(0x0008, 0x1150), "UI", sl.SopClassUid)
                    .String(T(0x0008, 0x1155), "UI", sl.SopInstanceUid)
                    .Sequence(T(0x0040, 0xA170), Code("121322", "DCM", "Source image for image processing operation")))
                .Sequence(T(0x0008, 0x9215), Code("113076", "DCM", "Segmentation")));
        }
        return item;
    }

    private static DicomDataset Dimension(string uid, DicomTag index, DicomTag group, string label) => new DicomDataset()
        .String(T(0x0020, 0x9164), "UI", uid)
        .Tag(T(0x0020, 0x9165), index)
        .Tag(T(0x0020, 0x9167), group)
        .String(T(0x0020, 0x9421), "LO", label);

    private static DicomDataset Code(string value, string scheme, string meaning) => new DicomDataset()
        .String(T(0x0008, 0x0100), "SH", value)
        .String(T(0x0008, 0x0102), "SH", scheme)
        .String(T(0x0008, 0x0104), "LO", meaning);

    // Frames back to back, bit i of the whole pixel stream in bit (i mod 8) of byte i / 8 (PS3.5 §8.1.1).
    private static byte[] Binary(LabelVolume v, int segments)
    {
        long plane = (long)v.Width * v.Height;
        var bits = new byte[(segments * v.Depth * plane + 7) / 8];
        long at = 0;
        for (int s = 1; s <= segments; s++)
            for (int k = 0; k < v.Depth; k++)
            {
                var slice = v.Slice(k);
                for (int i = 0; i < slice.Length; i++, at++)
                    if (slice[i] == s) bits[at >> 3] |= (byte)(1 << (int)(at & 7));
            }
        return bits;
    }

    private static byte[] Fractional(LabelVolume v, int segments, IReadOnlyList<byte[]?> fractions)
    {
        int volume = v.Width * v.Height * v.Depth;
        var bytes = new byte[segments * volume];
        for (int s = 1; s <= segments; s++)
        {
            var f = s < fractions.Count ? fractions[s] : null;
            if (f is null) continue;
            if (f.Length != volume) throw new ArgumentException($"fractions of class {s} hold {f.Length} values, the volume {volume}", nameof(fractions));
            f.CopyTo(bytes, (s - 1) * volume);
        }
        return bytes;
    }

    private static DicomTag T(ushort group, ushort element) => new(group, element);
}
