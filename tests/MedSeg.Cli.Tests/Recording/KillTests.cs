using System.Buffers.Binary;
using System.Diagnostics;
using MedSeg.Core.Recording;

namespace MedSeg.Cli.Tests.Recording;

/// <summary>
/// A real writer process killed with SIGKILL mid-stream: every complete record must be recovered
/// and the reader must report where the readable data ends.
/// </summary>
public sealed class KillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("none")]
    [InlineData("every")]
    public async Task WriterKilledMidStream_EveryCompleteRecordRecovered_EndReported(string fsync)
    {
        string child = await ChildBuild.PathAsync();
        string path = Path.Combine(_dir, $"killed-{fsync}.msgpack");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { child, path, fsync }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal("recording", await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            // Let it write a good number of records, then kill it wherever it is.
            var deadline = Stopwatch.StartNew();
            while (new FileInfo(path).Length < 400_000 && deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
                Thread.Sleep(5); // polled on this thread: a busy thread pool must not delay the kill
            // stderr is awaited only once the writer is gone: it ends when the process does.
            if (process.HasExited) Assert.Fail($"the writer exited by itself ({process.ExitCode}): {await stderr}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no footer
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(137, process.ExitCode); // 128 + SIGKILL

        // The truth, from the framing alone: complete records with a valid checksum.
        byte[] bytes = File.ReadAllBytes(path);
        var (completeFrames, endOfComplete) = ScanFraming(bytes);
        Assert.True(completeFrames > 10, $"only {completeFrames} complete frames");

        using var reader = RecordingReader.Open(path);
        var f = new FrameRecord();
        long frames = 0;
        while (reader.ReadNext(f))
        {
            Assert.Equal(frames, f.Seq);            // in order, none missing
            Assert.Equal(64 * 64, f.Image!.Length);
            frames++;
        }
        Assert.Equal(completeFrames, frames);       // every complete record recovered
        var end = reader.End!;
        Assert.True(end.Kind is RecordingEndKind.CutOff or RecordingEndKind.Truncated, end.ToString());
        Assert.Equal(endOfComplete, end.Offset);    // where the file's readable data ends
        Assert.Equal(bytes.Length - endOfComplete, end.LostBytes);
        Assert.Null(reader.Footer);

        // `info` reports the same end without failing.
        var summary = RecordingSummary.Scan(path);
        Assert.Equal(frames, summary.Frames);
        Assert.Equal(endOfComplete, summary.End.Offset);
    }

    /// <summary>Walks the length prefixes independently of the reader; returns complete frame records and where they end.</summary>
    private static (long Frames, long End) ScanFraming(byte[] bytes)
    {
        long at = RecordingFormat.PreambleLength, frames = 0;
        while (at + RecordingFormat.PrefixLength <= bytes.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + 4));
            if (at + RecordingFormat.PrefixLength + length > bytes.Length) break;
            uint crc = Crc32.Compute(bytes.AsSpan((int)at + RecordingFormat.PrefixLength, length), Crc32.Compute(bytes.AsSpan((int)at, 8)));
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + 8)), crc);
            if (bytes[at] == RecordingFormat.FrameKind) frames++;
            at += RecordingFormat.PrefixLength + length;
        }
        return (frames, at);
    }
}

/// <summary>Builds tests/MedSeg.Recording.KillChild once per test run (it is not in the solution) and returns its dll.</summary>
internal static class ChildBuild
{
    private static readonly Lazy<Task<string>> s_path = new(BuildAsync);

    public static Task<string> PathAsync() => s_path.Value;

    private static async Task<string> BuildAsync()
    {
        string root = RepoRoot();
        string project = Path.Combine(root, "tests", "MedSeg.Recording.KillChild", "MedSeg.Recording.KillChild.csproj");
        string output = Path.Combine(Path.GetTempPath(), $"medseg-killchild-{Environment.ProcessId}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "build", project, "-c", "Release", "-o", output, "--nologo", "-v", "q" }) start.ArgumentList.Add(a);
        using var build = Process.Start(start)!;
        var stdout = build.StandardOutput.ReadToEndAsync();
        var stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        string dll = Path.Combine(output, "MedSeg.Recording.KillChild.dll");
        if (build.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"building {project} failed ({build.ExitCode}):\n{await stdout}\n{await stderr}");
        return dll;
    }

    /// <summary>The folder holding MedSeg.Realtime.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MedSeg.Realtime.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no MedSeg.Realtime.sln above {AppContext.BaseDirectory}");
    }
}
