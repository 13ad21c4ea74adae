using MedSeg.Imaging.Formats;

namespace MedSeg.Pipeline.Sources;

/// <summary>What a medical source knows beyond its frames: what it skipped, and the file's default display window.</summary>
/// <remarks>
/// Frame has no metadata slot yet, so the window (Window Center/Width for DICOM, cal_min/cal_max
/// for NIfTI) is per source: it is the first slice's, in the frames' own units (HU for CT).
/// </remarks>
public interface ISourceDiagnostics
{
    SourceProblemLog Problems { get; }

    DisplayWindow? Window { get; }

    /// <summary>What the source is doing now, for the status line ("connected", "lost: … reconnecting in 2 s"); null when there is nothing to say.</summary>
    string? Status => null;
}
