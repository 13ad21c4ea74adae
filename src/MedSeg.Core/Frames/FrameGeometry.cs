namespace MedSeg.Core.Frames;

/// <summary>
/// Where a frame's pixels lie in the patient and which volume (series) and slice it is: spacing,
/// origin and direction cosines in DICOM patient coordinates (LPS, mm), plus the identity a
/// label volume or a DICOM Segmentation needs to point back at its source.
/// </summary>
/// <remarks>
/// Sources that know it fill it (DICOM series, NIfTI volumes, recordings of them); the rest
/// (video, synthetic, image folders) leave <see cref="Unknown"/> or say why with
/// <see cref="UnknownBecause"/>: nothing here is guessed. One instance per slice, made when the
/// stack is opened, so a replay allocates nothing per frame for it. Immutable, shared freely.
/// Pixel (column c, row r) has its centre at <c>Origin + c·ColumnSpacing·RowDirection + r·RowSpacing·ColumnDirection</c>
/// (DICOM's convention: RowDirection is the direction along a row, i.e. of increasing column).
/// </remarks>
public sealed record FrameGeometry
{
    /// <summary>No geometry: the source has none to give.</summary>
    public static FrameGeometry Unknown { get; } = new() { Note = "unknown: the source gives no geometry" };

    /// <summary>No geometry, with the reason ("video: no geometry").</summary>
    public static FrameGeometry UnknownBecause(string why) => new() { Note = why };

    /// <summary>True when spacing, origin and directions are meaningful.</summary>
    public bool IsKnown { get; init; }

    /// <summary>Why the geometry is unknown, or how it was derived ("DICOM", "NIfTI sform").</summary>
    public string Note { get; init; } = "";

    /// <summary>Millimetres between pixel centres along a row (between columns).</summary>
    public double ColumnSpacing { get; init; } = 1;

    /// <summary>Millimetres between pixel centres along a column (between rows).</summary>
    public double RowSpacing { get; init; } = 1;

    /// <summary>Millimetres between this slice and the next of its volume (0 when there is one slice).</summary>
    public double SliceSpacing { get; init; }

    /// <summary>Centre of pixel (0, 0) in LPS mm (DICOM Image Position (Patient)).</summary>
    public Vec3 Origin { get; init; }

    /// <summary>Unit direction of increasing column index (DICOM Image Orientation, first triplet).</summary>
    public Vec3 RowDirection { get; init; } = new(1, 0, 0);

    /// <summary>Unit direction of increasing row index (DICOM Image Orientation, second triplet).</summary>
    public Vec3 ColumnDirection { get; init; } = new(0, 1, 0);

    /// <summary>Unit direction of increasing slice index (not always RowDirection × ColumnDirection: a NIfTI may be left-handed).</summary>
    public Vec3 SliceDirection { get; init; } = new(0, 0, 1);

    /// <summary>Which volume the frame is a slice of: the Series Instance UID for DICOM, the file for NIfTI; "" when unknown.</summary>
    public string VolumeId { get; init; } = "";

    /// <summary>Position of the slice in its volume, 0-based along <see cref="SliceDirection"/>; -1 when unknown.</summary>
    public int SliceIndex { get; init; } = -1;

    /// <summary>Slices in the volume; 0 when unknown.</summary>
    public int SliceCount { get; init; }

    /// <summary>DICOM identity of the source (empty for non-DICOM sources).</summary>
    public string StudyInstanceUid { get; init; } = "";
    public string SeriesInstanceUid { get; init; } = "";
    public string FrameOfReferenceUid { get; init; } = "";
    public string SopInstanceUid { get; init; } = "";
    public string SopClassUid { get; init; } = "";

    /// <summary>Ultrasound sector the image was scan-converted from or into, when it has one.</summary>
    public SectorGeometry? Sector { get; init; }

    /// <summary>The latest tracked pose received before the frame (tracked ultrasound), when the source has one.</summary>
    public TrackedPose? Pose { get; init; }

    /// <summary>World position (LPS mm) of the centre of pixel (<paramref name="column"/>, <paramref name="row"/>).</summary>
    public Vec3 World(double column, double row) =>
        Origin + (column * ColumnSpacing) * RowDirection + (row * RowSpacing) * ColumnDirection;

    /// <summary>One line for `medseg info`.</summary>
    public string Describe() => !IsKnown ? (Note.Length > 0 ? Note : "unknown") :
        FormattableString.Invariant($"{ColumnSpacing:0.####}×{RowSpacing:0.####}×{SliceSpacing:0.####} mm, origin {Origin}, rows {RowDirection}, columns {ColumnDirection}, slice {SliceIndex + 1}/{SliceCount} of {VolumeId} ({Note})");
}
