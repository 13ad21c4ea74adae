namespace MedSeg.Pipeline.Stages.ScanConversion;

/// <summary>Which way <see cref="ScanConversionStage"/> maps frames.</summary>
public enum ScanConversionDirection
{
    /// <summary>Pre-scan (beam line × depth) → Cartesian.</summary>
    ToScan,

    /// <summary>Cartesian → pre-scan (the inverse).</summary>
    ToPreScan,
}
