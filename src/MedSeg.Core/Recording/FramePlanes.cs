namespace MedSeg.Core.Recording;

/// <summary>Which planes of a frame record the reader decodes; the others are skipped (only their stored size is read).</summary>
[Flags]
public enum FramePlanes
{
    None = 0,
    Image = 1,
    Labels = 2,
    Probabilities = 4,
    GroundTruth = 8,
    All = Image | Labels | Probabilities | GroundTruth,
}
