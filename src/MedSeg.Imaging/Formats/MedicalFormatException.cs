namespace MedSeg.Imaging.Formats;

/// <summary>A medical image file (or one frame of it) that cannot be read: names the file, the reason and, when known, the byte offset.</summary>
public sealed class MedicalFormatException : Exception
{
    public MedicalFormatException(string path, string reason, long? offset = null, Exception? inner = null)
        : base(offset is { } at ? $"{path}: at byte {at}: {reason}" : $"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
        Offset = offset;
    }

    public string Path { get; }

    public string Reason { get; }

    /// <summary>Where in the file the problem was found; null when it is not about a position.</summary>
    public long? Offset { get; }
}
