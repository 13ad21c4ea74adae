using MedSeg.Imaging.Formats;

namespace MedSeg.Imaging.Datasets;

/// <summary>A sample that cannot be used: the message names the file and the reason.</summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }
    public string Reason { get; }

    /// <summary>A file behind a sample that cannot be read, as the sample's problem (validators and --skip-bad catch this type).</summary>
    public static DatasetException From(MedicalFormatException e) =>
        new(e.Path, e.Offset is { } at ? $"at byte {at}: {e.Reason}" : e.Reason, e);
}
