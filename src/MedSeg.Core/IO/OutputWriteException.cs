namespace MedSeg.Core.IO;

/// <summary>A file medseg writes could not be written: which file, and why (a full disk, a file-size limit, no permission).</summary>
public sealed class OutputWriteException : IOException
{
    public OutputWriteException(string path, string reason, Exception inner)
        : base($"{path}: cannot write: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public string Reason { get; }
}
