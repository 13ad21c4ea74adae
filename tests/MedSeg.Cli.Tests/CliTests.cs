using System.Text.Json;
using MedSeg.Cli.Reports;

namespace MedSeg.Cli.Tests;

/// <summary>End-to-end runs of the real `medseg` entry point on tiny synthetic data.</summary>
[Collection("console")]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("demo")]
    [InlineData("quickstart")]
    [InlineData("stream")]
    [InlineData("bench")]
    [InlineData("export-onnx")]
    public async Task Help_EveryCommand_ExitsZeroAndListsOptions(string command)
    {
        var (code, output) = await Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--", output);
        Assert.Contains(command, output);
    }

    [Fact]
    public async Task TrainThenEval_TinySynthetic_WritesAllArtefacts()
    {
        string run = Path.Combine(_dir, "run"), eval = Path.Combine(_dir, "eval");
        var (code, output) = await Run("train", "--data", "synthetic:lesion?n=16&size=32&seed=5", "--out", run, "--epochs", "2",
                                       "--size", "32", "--depth", "2", "--base", "4", "--batch-size", "4", "--threads", "2");
        Assert.True(code == 0, output);
        foreach (var f in new[] { "best.ckpt", "log.csv", "log.json", "split.json", "curves_loss.png", "curves_metrics.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"{f} missing\n{output}");

        (code, output) = await Run("eval", "--model", Path.Combine(run, "best.ckpt"), "--data", "synthetic:lesion?n=16&size=32&seed=5",
                                   "--out", eval, "--samples", "3", "--threads", "2");
        Assert.True(code == 0, output);
        var report = EvalReport.Load(Path.Combine(eval, "report.json"));
        Assert.Equal("val", report.Subset); // same data as training + split.json beside the checkpoint
        Assert.Equal(report.Images, report.PerImage.Count);
        Assert.InRange(report.Summary.MeanDice, 0, 1);
        Assert.True(new FileInfo(Path.Combine(eval, "samples.png")).Length > 1000);
        Assert.Contains("IoU", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(eval, "report.json")));
        Assert.True(doc.RootElement.TryGetProperty("conventions", out _));
    }

    [Fact]
    public async Task Eval_MissingCheckpoint_ClearErrorAndNonZeroExit()
    {
        var (code, output) = await Run("eval", "--model", Path.Combine(_dir, "nope.ckpt"), "--data", "synthetic:lesion?n=4&size=32");
        Assert.NotEqual(0, code);
        Assert.Contains("nope.ckpt", output);
    }

    [Fact]
    public async Task Train_UnknownLayout_ClearErrorAndNonZeroExit()
    {
        var (code, output) = await Run("train", "--data", _dir, "--layout", "nonsense", "--out", Path.Combine(_dir, "x"));
        Assert.NotEqual(0, code);
        Assert.Contains("nonsense", output);
    }

    [Fact]
    public async Task Stream_SyntheticSource_ProcessesEveryFrameInAllModeAndWritesReport()
    {
        string ckpt = TinyCheckpoint();
        string report = Path.Combine(_dir, "stream.json");
        var (code, output) = await Run("stream", "--model", ckpt, "--source", "synthetic:lesion?fps=0&frames=24&size=32",
                                       "--mode", "All", "--max-batch", "4", "--report", report, "--threads", "2");
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(24, doc.RootElement.GetProperty("framesIn").GetInt64());
        Assert.Equal(24, doc.RootElement.GetProperty("framesOut").GetInt64());
        Assert.Contains("end-to-end", output);
    }

    [Fact]
    public async Task Stream_Record_WritesEveryFrameThenInfoReadsIt()
    {
        string session = Path.Combine(_dir, "stream.msgpack");
        var (code, output) = await Run("stream", "--model", TinyCheckpoint(), "--source", "synthetic:lesion?fps=0&frames=16&size=32",
                                       "--mode", "All", "--record", session, "--threads", "2");
        Assert.True(code == 0, output);
        (code, output) = await Run("info", session);
        Assert.True(code == 0, output);
        Assert.Contains("16", output);
    }

    [Fact]
    public async Task Stream_UnknownSourceScheme_ClearErrorAndNonZeroExit()
    {
        var (code, output) = await Run("stream", "--model", TinyCheckpoint(), "--source", "carrier-pigeon:42");
        Assert.NotEqual(0, code);
        Assert.Contains("carrier-pigeon", output);
    }

    [Fact]
    public async Task Bench_TinyGrid_WritesJsonMarkdownAndPlots()
    {
        string outDir = Path.Combine(_dir, "bench");
        var (code, output) = await Run("bench", "--sizes", "32", "--batches", "1", "2", "--iterations", "3", "--base", "4", "--depth", "2",
                                       "--pipeline-frames", "20", "--render-frames", "20", "--out", outDir, "--threads", "2");
        Assert.True(code == 0, output);
        foreach (var f in new[] { "bench.json", "bench.md", "latency_hist.png", "latency_cdf.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), $"{f} missing\n{output}");
        string md = File.ReadAllText(Path.Combine(outDir, "bench.md"));
        Assert.Contains("GFLOP/s", md);
        Assert.Contains("steady 32px b1", md);
        Assert.Contains("Overlay rendering, headless OpenGL", md);
        Assert.Contains("pass-through", md);
        Assert.Contains("CT: 16-bit HU + window/level", md);
    }

    [Fact]
    public async Task Demo_Headless_StreamsRendersAndLeavesPngMp4AndReport()
    {
        string outDir = Path.Combine(_dir, "demo");
        var (code, output) = await Run("demo", "--headless", "--frames", "30", "--fps", "0", "--snapshot-every", "10",
                                       "--model", TinyCheckpoint(), "--out", outDir);
        Assert.True(code == 0, output);
        Assert.NotEmpty(Directory.GetFiles(outDir, "overlay_*.png"));
        Assert.True(new FileInfo(Path.Combine(outDir, "overlay.mp4")).Length > 1000, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "latency.json")));
        Assert.Equal(30, doc.RootElement.GetProperty("framesIn").GetInt64());
        Assert.Contains("on screen: presented", output);
        // What reached the screen: every frame shown was processed first, and was shown after it was captured.
        var display = doc.RootElement.GetProperty("display");
        long presented = display.GetProperty("framesPresented").GetInt64();
        Assert.InRange(presented, 1, doc.RootElement.GetProperty("framesOut").GetInt64());
        Assert.Equal(presented, display.GetProperty("captureToScreen").GetProperty("count").GetInt64());
        Assert.True(display.GetProperty("captureToScreen").GetProperty("median").GetDouble() > 0);
        // ...and per frame shown, its stage stamps: the data behind the percentiles (the largest is the
        // max, within the JSON's rounding: comparing at 2 decimal places fails when one side sits on a .005 edge).
        var frames = display.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(presented, frames.Count);
        Assert.All(frames, f => Assert.True(f.GetProperty("postprocessed").GetDouble() <= f.GetProperty("taken").GetDouble()
                                            && f.GetProperty("taken").GetDouble() <= f.GetProperty("presented").GetDouble()));
        Assert.Equal(display.GetProperty("captureToScreen").GetProperty("max").GetDouble(), frames.Max(f => f.GetProperty("presented").GetDouble()), tolerance: 0.01);
        // The session is recorded beside the overlays and can be read back.
        using var reader = MedSeg.Core.Recording.RecordingReader.Open(Path.Combine(outDir, "session.msgpack"));
        Assert.Equal(doc.RootElement.GetProperty("framesOut").GetInt64(), reader.FrameOffsets().Count);
        // ...with the colours the live view drew, so `medseg video` of it looks like the window did.
        var drawn = new MedSeg.Rendering.OverlaySettings().ClassColors[1] * 255f;
        Assert.Equal(MedSeg.Core.Recording.RecordingFormat.FormatColor((byte)MathF.Round(drawn.X), (byte)MathF.Round(drawn.Y), (byte)MathF.Round(drawn.Z)),
                     reader.Header.ClassColors[1]);
    }

    [Fact]
    public async Task Demo_OutUnderAFile_ExitsTwoWithOneLineNamingTheFolder()
    {
        string file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "not a folder");
        string outDir = Path.Combine(file, "demo");
        var (code, output) = await Run("demo", "--headless", "--frames", "3", "--model", TinyCheckpoint(), "--out", outDir);

        Assert.Equal(2, code);
        string error = Assert.Single(output.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"output folder (--out, sinks.view.out) {outDir}: cannot write there", error);
        Assert.DoesNotContain("   at ", output);   // no stack trace
    }

    [Fact]
    public void DefaultModel_ShipsWithTheRepository_AndLoads()
    {
        string? root = AppContext.BaseDirectory;
        while (root != null && !File.Exists(Path.Combine(root, "MedSeg.Realtime.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        var info = MedSeg.Model.Checkpoint.ReadInfo(Path.Combine(root, MedSeg.Cli.Commands.DemoCommand.DefaultModel));
        Assert.Equal(["background", "lesion"], info.Model.ClassNames);
        Assert.Equal(128, info.Preprocess.Width);
        Assert.True(info.MetricValue > 0.95, $"shipped model's validation {info.Metric} is {info.MetricValue}");
    }

    private string TinyCheckpoint() => CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));

    private static Task<(int Code, string Output)> Run(params string[] args) => CliRunner.RunAsync(args);
}
