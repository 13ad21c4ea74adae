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
}
