namespace MedSeg.Core.Recording;

/// <summary>A session would be written over an existing file without being told to overwrite it: recordings are never replaced by accident.</summary>
public sealed class RecordingExistsException(string path)
    : IOException($"{path} already exists; choose another file or overwrite it explicitly")
{
    public string Path { get; } = path;

    /// <summary>Throws unless <paramref name="overwrite"/> or nothing is at <paramref name="path"/>.</summary>
    public static void ThrowIfExists(string path, bool overwrite)
    {
        if (!overwrite && File.Exists(path)) throw new RecordingExistsException(path);
    }
}
