using MedSeg.Core.Recording;

namespace MedSeg.Cli.Tests;

/// <summary>
/// Every streaming command is a front-end that produces a session spec: its --print-spec output,
/// saved to a file, runs unchanged with `medseg run`, and does what the command itself would.
/// </summary>
[Collection("console")]
public sealed class PrintSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-spec-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Stream_TwoSources_PrintedSpecRunsWithOneRecordingPerStream()
    {
        string rec = Path.Combine(_dir, "st.msgpack");
        await PrintThenRun("stream", "--model", Tiny(), "--source", "synthetic:lesion?fps=0&frames=10&size=32", "--source", "synthetic:mri?fps=0&frames=6&size=32",
                           "--mode", "all", "--record", rec, "--threads", "1", "--device", "cpu");
        Assert.Equal(10, Frames(rec));
        Assert.Equal(6, Frames(Path.Combine(_dir, "st-s1.msgpack")));
    }

    [Fact]
    public async Task Record_ThenReplay_BothPrintedSpecsRun()
    {
        string rec = Path.Combine(_dir, "r.msgpack"), again = Path.Combine(_dir, "again.msgpack");
        var output = await PrintThenRun("record", "--model", Tiny(), "--source", "synthetic:lesion?fps=0&frames=8&size=32", "--out", rec,
                                        "--mode", "all", "--tag", "site=test", "--threads", "1", "--device", "cpu");
        Assert.Contains("recorded 8 frames", output);
        output = await PrintThenRun("replay", rec, "--max", "--record", again, "--threads", "1", "--device", "cpu");
        Assert.Contains("max fps", output);
        using var reader = RecordingReader.Open(again);
        Assert.Equal(Path.GetFullPath(rec), reader.Header.Tags["replay_of"]);
        Assert.Equal(8, Frames(again));
    }

    [Fact]
    public async Task Demo_Headless_PrintedSpecRunsTheViewer()
    {
        string outDir = Path.Combine(_dir, "demo");
        await PrintThenRun("demo", "--headless", "--frames", "12", "--fps", "0", "--snapshot-every", "5", "--model", Tiny(), "--out", outDir, "--threads", "1");
        Assert.NotEmpty(Directory.GetFiles(outDir, "overlay_*.png"));
        Assert.True(File.Exists(Path.Combine(outDir, "latency.json")));
        // A live demo drops frames the model cannot take; the recording holds the ones it finished.
        Assert.InRange(Frames(Path.Combine(outDir, "session.msgpack")), 1, 12);
    }

    [Fact]
    public async Task Run_TwoStreamsWithAHeadlessView_DrawsTilesAndRecordsEachStream()
    {
        string outDir = Path.Combine(_dir, "tiles"), spec = Path.Combine(_dir, "tiles.yaml");
        File.WriteAllText(spec, $"""
            sources:
              - uri: synthetic:lesion?fps=25&frames=10&size=32
              - uri: synthetic:mri?fps=25&frames=10&size=32
            engine:
              model: {Tiny()}
              device: cpu
              threads: 1
            sinks:
              recorder:
                path: {Path.Combine(outDir, "s.msgpack")}
              view:
                kind: headless
                out: {outDir}
                snapshotEvery: 5
            report:
              status: false
            """);
        var (code, output) = await CliRunner.RunAsync("run", spec);
        Assert.True(code == 0, output);
        Assert.NotEmpty(Directory.GetFiles(outDir, "overlay_*.png"));
        Assert.InRange(Frames(Path.Combine(outDir, "s.msgpack")), 1, 10);
        Assert.InRange(Frames(Path.Combine(outDir, "s-s1.msgpack")), 1, 10);
        Assert.Contains("streams (one model)", output);
    }

    [Fact]
    public async Task BenchStreams_PrintedSpecRuns()
    {
        var output = await PrintThenRun("bench", "--streams", "2", "--model", Tiny(), "--stream-frames", "8", "--stream-fps", "50", "--threads", "1", "--device", "cpu");
        Assert.Contains("source s1→preprocess", output);

        var (code, table) = await CliRunner.RunAsync("bench", "--streams", "1,2", "--model", Tiny(), "--stream-frames", "8", "--stream-fps", "50",
                                                     "--threads", "1", "--device", "cpu", "--out", Path.Combine(_dir, "bench"));
        Assert.True(code == 0, table);
        Assert.Contains("| 1 | 50 |", table);
        Assert.Contains("| 2 | 50 |", table);
        Assert.Contains("Largest number of 50 fps streams sustained", table);
        Assert.True(File.Exists(Path.Combine(_dir, "bench", "bench-streams.json")));
    }

    [Fact]
    public async Task Run_FlagsOverrideTheFile()
    {
        string spec = Path.Combine(_dir, "o.yaml");
        var (code, yaml) = await CliRunner.RunAsync("stream", "--model", Tiny(), "--source", "synthetic:lesion?fps=0&frames=5&size=32", "--mode", "all", "--print-spec");
        Assert.True(code == 0, yaml);
        File.WriteAllText(spec, yaml);
        // A replayed recording waits for the pipeline (a live source may drop its oldest frame under
        // load), so the count shows the override whatever the machine's load.
        string rec = Path.Combine(_dir, "o.msgpack");
        string three = Path.Combine(_dir, "three.msgpack");
        var (recCode, recOutput) = await CliRunner.RunAsync("stream", "--model", Tiny(), "--source", "synthetic:lungs?fps=0&frames=3&size=32", "--mode", "all", "--record", three);
        Assert.True(recCode == 0, recOutput);
        var (runCode, output) = await CliRunner.RunAsync("run", spec, "--source", "recording:" + three, "--record", rec, "--threads", "1");
        Assert.True(runCode == 0, output);
        Assert.Equal(Frames(three), Frames(rec));
        Assert.Equal(3, Frames(rec));
    }

    /// <summary>Runs <paramref name="args"/> with --print-spec, saves the YAML, runs it with `medseg run`; returns what the run printed.</summary>
    private async Task<string> PrintThenRun(params string[] args)
    {
        var (code, yaml) = await CliRunner.RunAsync([.. args, "--print-spec"]);
        Assert.True(code == 0, yaml);
        Assert.StartsWith("# medseg session spec", yaml);
        string path = Path.Combine(_dir, $"{args[0]}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        var (runCode, output) = await CliRunner.RunAsync("run", path);
        Assert.True(runCode == 0, output);
        return output;
    }

    private static int Frames(string path)
    {
        using var reader = RecordingReader.Open(path);
        var record = new FrameRecord();
        int n = 0;
        while (reader.ReadNext(record)) n++;
        return n;
    }

    private string Tiny() => CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));
}
