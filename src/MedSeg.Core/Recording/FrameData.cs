using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>What <see cref="RecordingWriter.Append(in FrameData)"/> writes for one frame; spans, nothing copied.</summary>
/// <remarks>Leave a plane empty to omit it. Probabilities come as floats (<see cref="Foreground"/>) and
/// are quantised to 8 bits by the writer.</remarks>
public readonly ref struct FrameData
{
    public required long Seq { get; init; }
    public TimeSpan Timestamp { get; init; }
    public StageTimes Times { get; init; }
    public FrameFlags Flags { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public PixelFormat Format { get; init; }
    public ReadOnlySpan<byte> Pixels { get; init; }
    public int MaskWidth { get; init; }
    public int MaskHeight { get; init; }
    public ReadOnlySpan<byte> Labels { get; init; }
    public ReadOnlySpan<float> Foreground { get; init; }
    public ReadOnlySpan<byte> GroundTruth { get; init; }
    /// <summary>Written as the record's <c>geo</c> map when known (format version 2).</summary>
    public FrameGeometry? Geometry { get; init; }

    /// <summary>A pipeline frame as it stands (labels and probabilities at the model's output size).</summary>
    public static FrameData From(Frame frame) => new()
    {
        Seq = frame.Info.Seq, Timestamp = frame.Info.Timestamp, Times = frame.ReadOnlyTimes, Flags = frame.Flags,
        Width = frame.Info.Width, Height = frame.Info.Height, Format = frame.Info.Format, Pixels = frame.ReadOnlyPixels,
        MaskWidth = frame.OutputWidth, MaskHeight = frame.OutputHeight, Labels = frame.ReadOnlyLabels, Foreground = frame.ReadOnlyForeground,
        GroundTruth = frame.HasGroundTruth ? frame.ReadOnlyGroundTruth : default, Geometry = frame.Info.Geometry,
    };
}
