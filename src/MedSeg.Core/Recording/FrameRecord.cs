using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>
/// One decoded frame record. The reader fills it in place and reuses its arrays when the next
/// frame has the same sizes, so reading a long session allocates next to nothing.
/// </summary>
/// <remarks>Arrays are exact-size. A plane not decoded (see <see cref="FramePlanes"/>) or not
/// present is null; its stored size is still in the *Bytes properties.</remarks>
public sealed class FrameRecord
{
    /// <summary>Byte offset of the record in the file.</summary>
    public long Offset { get; internal set; }

    /// <summary>Prefix + payload bytes of the record.</summary>
    public int RecordBytes { get; internal set; }

    public long Seq { get; internal set; }

    /// <summary>Source / capture time within the stream (<see cref="FrameInfo.Timestamp"/>), to the 100 ns tick.</summary>
    public TimeSpan Timestamp { get; internal set; }

    public StageTimes Times { get; internal set; }

    public FrameFlags Flags { get; internal set; }

    public int Width { get; internal set; }
    public int Height { get; internal set; }
    public PixelFormat Format { get; internal set; }

    /// <summary>Raw pixels, rows packed (<see cref="FrameInfo.PixelBytes"/> long).</summary>
    public byte[]? Image { get; internal set; }

    /// <summary>Size of the predicted masks (<see cref="Labels"/>, <see cref="Probabilities"/>); 0 when none.</summary>
    public int MaskWidth { get; internal set; }
    public int MaskHeight { get; internal set; }

    /// <summary>Predicted class id per pixel.</summary>
    public byte[]? Labels { get; internal set; }

    /// <summary>Foreground probability quantised to 8 bits: p ≈ q / 255.</summary>
    public byte[]? Probabilities { get; internal set; }

    /// <summary>Ground-truth class ids at the frame's own size.</summary>
    public byte[]? GroundTruth { get; internal set; }

    /// <summary>The frame's geometry as recorded (<c>geo</c>); <see cref="FrameGeometry.Unknown"/> when the record has none (and in every version 1 file).</summary>
    public FrameGeometry Geometry { get; internal set; } = FrameGeometry.Unknown;

    public bool HasLabels { get; internal set; }
    public bool HasProbabilities { get; internal set; }
    public bool HasGroundTruth { get; internal set; }

    /// <summary>Stored (encoded) sizes of each plane; 0 when absent.</summary>
    public int ImageBytes { get; internal set; }
    public int LabelBytes { get; internal set; }
    public int ProbabilityBytes { get; internal set; }
    public int GroundTruthBytes { get; internal set; }

    /// <summary>Copies everything (arrays included) so the copy survives the next read.</summary>
    public FrameRecord Clone()
    {
        var c = (FrameRecord)MemberwiseClone();
        c.Image = Image?.ToArray();
        c.Labels = Labels?.ToArray();
        c.Probabilities = Probabilities?.ToArray();
        c.GroundTruth = GroundTruth?.ToArray();
        return c;
    }

    internal void Reset()
    {
        HasLabels = HasProbabilities = HasGroundTruth = false;
        ImageBytes = LabelBytes = ProbabilityBytes = GroundTruthBytes = 0;
        MaskWidth = MaskHeight = 0;
        Times = default;
        Flags = FrameFlags.None;
        Geometry = FrameGeometry.Unknown;
    }

    internal static byte[] Sized(byte[]? current, int length) => current is not null && current.Length == length ? current : new byte[length];
}
