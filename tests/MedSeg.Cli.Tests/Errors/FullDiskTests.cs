using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedSeg.Cli.Tests.Errors;

/// <summary>
/// A full disk mid-session, for real and without root: `medseg record` and `stream --record` run
/// as child processes under a file-size limit (<c>ulimit -f</c>) with SIGXFSZ ignored, so the
/// write that crosses the limit fails with EFBIG. .NET surfaces EFBIG as an
/// ArgumentOutOfRangeException("value"), not an IOException; the recording writer turns it into
/// the IOException a full disk (ENOSPC) gives. The session must stop cleanly after some frames, exit 2 saying how
/// many frames the file holds, and `medseg info` must read exactly those frames back. Every other
/// writer goes through OutputFile and must name the file it was writing the same way.
/// </summary>
/// <remarks>
/// An ignored signal stays ignored across exec, so bash's <c>trap '' XFSZ</c> reaches dotnet; the
/// limit (in 1024-byte blocks) holds the header and a few dozen 32×32 frames, far from the 400 the
/// source would give.
/// </remarks>
[Collection("console")]
public sealed partial class FullDiskTests : IDisposable
{
    private const int LimitBlocks = 48;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-fulldisk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("record")]
    [InlineData("stream")]
    public async Task WriteFailsAfterSomeFrames_Exit2NamingTheFramesKept_InfoReadsThem(string command)
    {
        string ckpt = CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));
        string session = Path.Combine(_dir, $"{command}.msgpack");
        const string source = "synthetic:lesion?fps=400&frames=400&size=32";
        string[] args = command == "record"
            ? ["record", "--model", ckpt, "--source", source, "--out", session, "--threads", "1"]
            : ["stream", "--model", ckpt, "--source", source, "--record", session, "--threads", "1"];
        var (exit, errors, output) = await RunLimited(LimitBlocks, args);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        var error = Assert.Single(errors.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(session, error);
        Assert.Contains("file too large", error);
        Assert.DoesNotContain("   at ", output);   // no stack trace without MEDSEG_DEBUG
        var held = HoldsFrames().Match(error);
        Assert.True(held.Success, $"the error does not say how many frames the file holds: {error}");
        long frames = long.Parse(held.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(frames, 1, 399);
        Assert.True(new FileInfo(session).Length <= LimitBlocks * 1024L);

        var (code, info) = await CliRunner.RunAsync("info", session, "--json");
        Assert.True(code == 0, info);
        using var json = JsonDocument.Parse(info);
        Assert.Equal(frames, json.RootElement.GetProperty("frames").GetInt64());
        Assert.False(json.RootElement.GetProperty("hasFooter").GetBoolean());
    }

    /// <summary>
    /// Every other writer (reports, PNGs, plots, ONNX, checkpoints, plans, videos) under a 1 KiB
    /// limit: exit 2, one error line naming the file being written and saying the file is too large.
    /// (128² frames: an exported 32² PNG would fit in the limit.)
    /// </summary>
    [Theory]
    [InlineData("score")]
    [InlineData("export")]
    [InlineData("video")]
    [InlineData("video-opencv")]
    [InlineData("export-onnx")]
    [InlineData("eval")]
    [InlineData("compare")]
    [InlineData("plan")]
    [InlineData("stream-report")]
    public async Task OutputWriteCrossesTheLimit_Exit2OneLineNamingTheFile(string command)
    {
        string ckpt = CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));
        string session = Path.Combine(_dir, "session.msgpack");
        var (recorded, log) = await CliRunner.RunAsync("record", "--model", ckpt, "--source", "synthetic:lesion?fps=0&frames=6&size=128", "--out", session, "--threads", "1");
        Assert.True(recorded == 0, log);
        string target = Path.Combine(_dir, "out");
        const string data = "synthetic:lesion?n=4&size=32";
        string[] args = command switch
        {
            "score" => ["score", session, "--out", target],
            "export" => ["export", session, "--out", target],
            "video" or "video-opencv" => ["video", session, "--out", target + ".mp4"],
            "export-onnx" => ["export-onnx", ckpt, "--out", target + ".onnx"],
            "eval" => ["eval", "--model", ckpt, "--data", data, "--out", target],
            "compare" => ["compare", ckpt, ckpt, "--data", data, "--out", target],
            "plan" => ["plan", "--data", data, "--budget", "1", "--out", target],
            "stream-report" => ["stream", "--model", ckpt, "--source", "synthetic:lesion?fps=0&frames=2&size=32", "--threads", "1", "--report", target + ".json"],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };

        // Without ffmpeg on PATH the video goes through OpenCV's writer, which reports no write error.
        var (exit, errors, output) = await RunLimited(1, args, withoutFfmpeg: command == "video-opencv");

        Assert.True(exit == 2, $"exit {exit}: {output}");
        var error = Assert.Single(errors.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains(target, error);          // the file being written, not the folder of the temporary copy
        Assert.DoesNotContain(".tmp", error);
        Assert.Contains(command == "video-opencv" ? "cut short" : "file too large", error);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>Runs medseg as a child under <c>ulimit -f <paramref name="blocks"/></c> with SIGXFSZ ignored.</summary>
    private static async Task<(int Exit, string Errors, string Output)> RunLimited(int blocks, string[] args, bool withoutFfmpeg = false)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-c", $"trap '' XFSZ; ulimit -f {blocks}; exec \"$@\"", "bash",
                                     "dotnet", Path.Combine(AppContext.BaseDirectory, "medseg.dll"), .. args])
            start.ArgumentList.Add(a);
        // CoreCLR's W^X double mapping backs code memory with a file larger than the limit: without
        // this, dotnet itself fails to start ("Failed to create CoreCLR, HRESULT: 0x8007000E").
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        if (withoutFfmpeg) start.Environment["PATH"] = DotnetFolder();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("still running 120 s after start");
        }
        string errors = await stderr;
        return (process.ExitCode, errors, await stdout + errors);
    }

    // The folder of the real dotnet executable (/usr/bin/dotnet links to it): a PATH without ffmpeg.
    private static string DotnetFolder()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var dotnet = new FileInfo(Path.Combine(dir, "dotnet"));
            if (!dotnet.Exists) continue;
            string real = dotnet.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dotnet.FullName;
            string folder = Path.GetDirectoryName(real)!;
            Assert.False(File.Exists(Path.Combine(folder, "ffmpeg")), $"{folder} holds ffmpeg too");
            return folder;
        }
        throw new InvalidOperationException("dotnet is not on PATH");
    }

    [GeneratedRegex(@"the file holds the (\d+) frame")]
    private static partial Regex HoldsFrames();
}
