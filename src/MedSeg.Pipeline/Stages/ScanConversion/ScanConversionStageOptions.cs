using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages.ScanConversion;

/// <summary>Options of <see cref="ScanConversionStage"/>.</summary>
public sealed record ScanConversionStageOptions
{
    public ScanConversionDirection Direction { get; init; } = ScanConversionDirection.ToScan;

    /// <summary>The probe's fan; null takes each frame's own <see cref="FrameGeometry.Sector"/>.</summary>
    public SectorGeometry? Sector { get; init; }

    public ScanConversionStageOptions Validate()
    {
        if (!Enum.IsDefined(Direction)) throw new ArgumentOutOfRangeException(nameof(Direction), Direction, "unknown direction");
        Sector?.Validate();
        return this;
    }
}
