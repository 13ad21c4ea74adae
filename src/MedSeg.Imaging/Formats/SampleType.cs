namespace MedSeg.Imaging.Formats;

/// <summary>How one stored sample is encoded in a file (before any rescale).</summary>
public enum SampleType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    Float32,
}
