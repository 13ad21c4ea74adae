using System.Diagnostics;
using MedSeg.Core.Recording;

namespace MedSeg.Cli.Tests.Errors;

/// <summary>
/// Ctrl+C for real: `medseg record` and `stream --record` run as child processes, get SIGINT
/// (or SIGTERM) mid-stream, and must close the session: footer, index and trailer written, exit 0.
/// </summary>
/// <remarks>
/// A process started from a non-interactive shell's `&amp;` job inherits SIGINT as ignored, and .NET
/// keeps an inherited ignore; the child is therefore started through /usr/bin/python3, which sets
/// SIGINT back to the default before it execs dotnet.
/// </remarks>
public sealed class CleanStopTests : IDisposable
{
    private const int SigInt = 2, SigTerm = 15;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("record", SigInt)]
    [InlineData("stream", SigInt)]
    [InlineData("record", SigTerm)]
    public async Task Signal_MidStream_SessionComplete_Exit0(string command, int signal)
    {
        string ckpt = CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));
        string session = Path.Combine(_dir, $"{command}-{signal}.msgpack");
        string[] args = command == "record"
            ? ["record", "--model", ckpt, "--source", "synthetic:lesion?fps=50&frames=0&size=32", "--out", session, "--threads", "1"]
            : ["stream", "--model", ckpt, "--source", "synthetic:lesion?fps=50&frames=0&size=32", "--record", session, "--threads", "1"];
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                                     "dotnet", Path.Combine(AppContext.BaseDirectory, "medseg.dll"), .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Frames on disk first: the session must be mid-stream when the signal comes. Polled on
            // this thread, like KillTests: a busy thread pool or test scheduler must not delay it.
            var waited = Stopwatch.StartNew();
            while (!(File.Exists(session) && new FileInfo(session).Length > 20_000) && !process.HasExited && waited.Elapsed < TimeSpan.FromSeconds(120))
                Thread.Sleep(20);
            if (process.HasExited) Assert.Fail($"exited by itself: {await stdout}{await stderr}"); // awaited only then: the streams end with the process
            Assert.True(new FileInfo(session).Length > 20_000, $"no frames recorded within {waited.Elapsed}");
            var send = new ProcessStartInfo("/bin/kill") { RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "-s", signal == SigInt ? "INT" : "TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }) send.ArgumentList.Add(a);
            using (var kill = Process.Start(send)!)
            {
                string why = kill.StandardError.ReadToEnd();
                kill.WaitForExit();
                Assert.True(kill.ExitCode == 0, $"kill {process.Id}: {why}");
            }
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"pid {process.Id} still running 60 s after the signal");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output}");
        Assert.Contains("stopping", output);

        using var reader = RecordingReader.Open(session);
        var frame = new FrameRecord();
        long frames = 0;
        while (reader.ReadNext(frame)) frames++;
        Assert.NotNull(reader.Footer);
        Assert.Equal(RecordingEndKind.Footer, reader.End!.Kind);
        Assert.True(frames > 0);
        Assert.Equal(frames, reader.Footer!.Frames);
    }
}
