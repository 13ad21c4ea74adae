namespace MedSeg.Core.Recording;

/// <summary>A session file that cannot be read: names the file and the byte offset where reading failed.</summary>
/// <remarks>An <see cref="IOException"/> (InvalidDataException is sealed); the message always starts with "path: at byte N:".</remarks>
public sealed class RecordingFormatException(string path, long offset, string reason, Exception? inner = null)
    : IOException($"{path}: at byte {offset}: {reason}", inner)
{
    public string Path { get; } = path;
    public long Offset { get; } = offset;
    public string Reason { get; } = reason;
}
