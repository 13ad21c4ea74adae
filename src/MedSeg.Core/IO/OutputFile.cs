namespace MedSeg.Core.IO;

/// <summary>
/// Every file medseg writes goes through here, so each write fault is one error naming the file and
/// the reason (<see cref="OutputWriteException"/>): a full disk, a file-size limit, a read-only folder.
/// </summary>
public static class OutputFile
{
    /// <summary>Creates (or replaces) <paramref name="path"/> for writing; its folder must exist.</summary>
    public static Stream Create(string path, int bufferSize = 64 * 1024)
    {
        try
        {
            return new OutputFileStream(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize), path);
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            throw OutputFault.For(path, e);
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var w = new StreamWriter(s, leaveOpen: true);
        w.Write(text);
    });

    public static void WriteAllLines(string path, IEnumerable<string> lines) => Write(path, s =>
    {
        using var w = new StreamWriter(s, leaveOpen: true);
        foreach (string line in lines) w.WriteLine(line);
    });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; a write fault removes the partial file.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        try
        {
            using var s = Create(path);
            write(s);
        }
        catch (OutputWriteException)
        {
            // A truncated report or image would pass for a whole one later.
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Writes beside <paramref name="path"/> and renames over it: a crash or a full disk mid-write
    /// never leaves a half-written file under the real name, and the partial copy is removed.
    /// </summary>
    public static void WriteReplacing(string path, Action<Stream> write)
    {
        string tmp = path + ".tmp";
        try
        {
            using (var s = Create(tmp)) write(s);
            File.Move(tmp, path, overwrite: true);
        }
        catch (OutputWriteException e)
        {
            TryDelete(tmp);
            // The user asked for `path`; the temporary name is ours.
            throw new OutputWriteException(path, e.Reason, e.InnerException ?? e);
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            TryDelete(tmp);
            throw OutputFault.For(path, e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Copies <paramref name="source"/> over <paramref name="path"/>; a write fault names <paramref name="path"/>.</summary>
    public static void Copy(string source, string path)
    {
        try
        {
            File.Copy(source, path, overwrite: true);
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e) && e is not FileNotFoundException)
        {
            TryDelete(path);
            throw OutputFault.For(path, e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the write's own error is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
