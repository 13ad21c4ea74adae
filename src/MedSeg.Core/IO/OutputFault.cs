namespace MedSeg.Core.IO;

/// <summary>What a failed write means, in one place: the file it was writing and a reason a user can act on.</summary>
/// <remarks>
/// .NET gives a full disk (ENOSPC) as an IOException naming the file, but a file-size limit
/// (EFBIG: <c>ulimit -f</c>, or the file system's largest file) as
/// <c>ArgumentOutOfRangeException("value")</c> naming nothing; both mean the same to the user.
/// </remarks>
public static class OutputFault
{
    public const string FileTooLarge = "file too large (a file-size limit, `ulimit -f`, or the file system's largest file was reached; like a full disk)";
    public const string DiskFull = "disk full (no space left on the device)";

    private const int Enospc = 28, Edquot = 122;

    /// <summary>True for the exceptions a write to a file can fail with (rather than a bug of the writer).</summary>
    public static bool IsWriteFault(Exception e) => e is IOException or UnauthorizedAccessException
        || IsFileTooLarge(e);

    /// <summary>The error naming <paramref name="path"/> for <paramref name="e"/>, a write fault on it.</summary>
    public static OutputWriteException For(string path, Exception e) => e switch
    {
        OutputWriteException known => known,
        _ when IsFileTooLarge(e) => new OutputWriteException(path, FileTooLarge, e),
        IOException { HResult: Enospc } => new OutputWriteException(path, DiskFull, e),
        IOException { HResult: Edquot } => new OutputWriteException(path, "disk quota exceeded", e),
        _ => new OutputWriteException(path, WithoutPath(e.Message, path), e),
    };

    // EFBIG surfaces from FileStream's write path as ArgumentOutOfRangeException("value").
    private static bool IsFileTooLarge(Exception e) =>
        e is ArgumentOutOfRangeException { ParamName: "value" } && e.StackTrace?.Contains("System.IO.", StringComparison.Ordinal) == true;

    // "No space left on device : '/x/y'": the path is said once, in front.
    private static string WithoutPath(string message, string path)
    {
        string line = message.Split('\n', 2)[0].TrimEnd('\r');
        return line.Replace($" : '{path}'", "", StringComparison.Ordinal).Replace($"'{path}'", "the file", StringComparison.Ordinal);
    }
}
