namespace MedSeg.Core.Limits;

/// <summary>Checks a user's input file before it is opened, so a named pipe or a device in a folder never blocks a reader.</summary>
public static class InputFiles
{
    /// <summary>Why <paramref name="path"/> must not be opened as a file, or null when it is a non-empty regular file.</summary>
    /// <remarks>
    /// Opening a FIFO for reading blocks until a writer comes; reading /dev/zero never ends. Both
    /// (and sockets, block devices) report size 0 in stat, as does an empty file, which no format
    /// here accepts either, so size 0 is refused before open. .NET exposes no file type on Unix.
    /// </remarks>
    public static string? Problem(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return Directory.Exists(path) ? "is a folder, not a file" : "no such file";
        try
        {
            if (info.Length == 0) return "is empty (0 bytes), or not a regular file (a named pipe, socket or device); not opened";
        }
        catch (IOException e)
        {
            return $"cannot be examined: {e.Message}";
        }
        return null;
    }
}
