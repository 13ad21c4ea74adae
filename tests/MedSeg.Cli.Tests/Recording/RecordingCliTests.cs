using System.CommandLine;
using MedSeg.Cli.Commands;
using MedSeg.Cli.Reports;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Cli.Tests.Recording;

/// <summary>The recording commands end to end, through their System.CommandLine definitions.</summary>
[Collection("console")]
public sealed class RecordingCliTests : IDisposable
{
    private const string Source = "synthetic:lesion?fps=0&frames=24&size=32&seed=3";
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-rec-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task RecordExportTrainReplayScore_RoundTrip()
    {
        // 1. Record a synthetic session with an untrained tiny model.
        string model = TinyCheckpoint(P("random.ckpt"));
        string s1 = P("s1.msgpack"), s2 = P("s2.msgpack");
        var (code, output) = await Run("record", "--model", model, "--source", Source, "--out", s1, "--mode", "All",
                                       "--probabilities", "--fsync", "every", "--tag", "site=test", "--threads", "2", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.Contains("recorded 24 frames", output);

        // 2. info: header, counts, clean end.
        (code, output) = await Run("info", s1);
        Assert.True(code == 0, output);
        Assert.Contains("24 (seq 0–23)", output);
        Assert.Contains("site=test", output);
        var (_, summary) = InfoCommand.Run(s1);
        Assert.Equal(24, summary.FramesWithGroundTruth);
        Assert.True(summary.End.Clean);

        // 3. score against the stored truth, and against the same truth exported as a mask folder: identical numbers.
        (code, output) = await Run("score", s1, "--out", P("score1"));
        Assert.True(code == 0, output);
        var truthScore = ScoreReport.Load(P("score1/score.json"));
        Assert.Equal(24, truthScore.Frames);
        Assert.True(new FileInfo(P("score1/iou.png")).Length > 1000);

        (code, output) = await Run("export", s1, "--out", P("export"));
        Assert.True(code == 0, output);
        Assert.Equal(24, Directory.GetFiles(P("export/images"), "frame-*.png").Length);
        Assert.Equal(24, Directory.GetFiles(P("export/masks"), "frame-*.png").Length);
        (code, output) = await Run("score", s1, "--masks", P("export/masks"), "--out", P("score-masks"));
        Assert.True(code == 0, output);
        var maskScore = ScoreReport.Load(P("score-masks/score.json"));
        Assert.Equal(truthScore.Summary.MeanIou, maskScore.Summary.MeanIou);
        Assert.Equal(truthScore.PerFrame.Select(f => f.MeanIou), maskScore.PerFrame.Select(f => f.MeanIou));

        // 4. Train a tiny model on the export (the paired layout `medseg train` reads).
        (code, output) = await Run("train", "--data", P("export"), "--out", P("run"), "--epochs", "2", "--size", "32", "--depth", "2",
                                   "--base", "4", "--batch-size", "8", "--threads", "2", "--device", "cpu");
        Assert.True(code == 0, output);
        string trained = P("run/best.ckpt");
        Assert.True(File.Exists(trained), output);

        // 5. Replay the session through the new checkpoint, recording the new predictions.
        (code, output) = await Run("replay", s1, "--max", "--model", trained, "--record", s2, "--threads", "2", "--device", "cpu");
        Assert.True(code == 0, output);
        using (var a = RecordingReader.Open(s1))
        using (var b = RecordingReader.Open(s2))
        {
            Assert.Equal(Path.GetFullPath(trained), b.Header.Model!.Checkpoint);
            Assert.Equal(Path.GetFullPath(s1), b.Header.Tags["replay_of"]);
            var fa = new FrameRecord();
            var fb = new FrameRecord();
            int n = 0;
            while (a.ReadNext(fa))
            {
                Assert.True(b.ReadNext(fb));
                Assert.Equal((fa.Seq, fa.Timestamp), (fb.Seq, fb.Timestamp));
                Assert.Equal(fa.Image, fb.Image);
                Assert.Equal(fa.GroundTruth, fb.GroundTruth);
                n++;
            }
            Assert.False(b.ReadNext(fb));
            Assert.Equal(24, n);
        }

        // 6. Score the new predictions: against the stored truth and against the first session.
        (code, output) = await Run("score", s2, "--out", P("score2"));
        Assert.True(code == 0, output);
        Assert.Contains("IoU", output);
        var newScore = ScoreReport.Load(P("score2/score.json"));
        Assert.Equal(24, newScore.Frames);
        Assert.InRange(newScore.Summary.MeanIou, 0, 1);
        (code, output) = await Run("score", s2, "--against", s1, "--out", P("score-vs"));
        Assert.True(code == 0, output);
        Assert.Equal(24, ScoreReport.Load(P("score-vs/score.json")).Frames);

        // 7. The session itself is training data too (what `medseg train --data s1.msgpack` opens).
        using var data = MedSeg.Imaging.Recording.RecordingDataset.Open(s1);
        Assert.Equal(24, data.Count);
    }

    [Fact]
    public async Task Replay_WithoutRecord_RunsTheSessionsModel_WarnsAtACutOffEnd_RefusesBadPacing()
    {
        string model = TinyCheckpoint(P("m.ckpt"));
        string s = P("s.msgpack");
        var (code, output) = await Run("record", "--model", model, "--source", "synthetic:lesion?fps=0&frames=12&size=32", "--out", s,
                                       "--mode", "All", "--threads", "1", "--device", "cpu");
        Assert.True(code == 0, output);

        // No --model: the checkpoint named in the session (still there, same hash). Nothing is recorded.
        (code, output) = await Run("replay", s, "--max", "--threads", "1", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.Contains("recording s.msgpack", output);
        Assert.Contains("max fps", output);
        Assert.DoesNotContain("recorded", output);
        Assert.DoesNotContain("warning", output);

        // A session cut off mid-record plays what is readable and says where it ended.
        // Cut inside the last frame record: a fixed count from the end sometimes removed exactly the
        // footer and trailer, a clean cut between records that rightly warns of nothing.
        long lastFrame;
        using (var reader = RecordingReader.Open(s)) lastFrame = reader.FrameOffsets()[^1];
        using (var fs = new FileStream(s, FileMode.Open)) fs.SetLength(lastFrame + 20);
        (code, output) = await Run("replay", s, "--max", "--threads", "1", "--device", "cpu");
        Assert.True(code == 0, output);
        Assert.True(output.Contains("warning", StringComparison.Ordinal), output);

        (code, output) = await Run("replay", s, "--fps", "0", "--device", "cpu");
        Assert.Equal(CommandErrors.BadInput, code);
        Assert.Contains("must be > 0", output);
    }

    [Fact]
    public async Task Info_CorruptFile_ClearErrorWithOffset_ExitCode2()
    {
        string bad = P("bad.msgpack");
        File.WriteAllBytes(bad, [0x89, (byte)'M', (byte)'S', (byte)'R', (byte)'E', (byte)'C', 0x0D, 0x0A, 9, 0, 0, 0]);
        var (code, output) = await Run("info", bad);
        Assert.Equal(CommandErrors.BadInput, code);
        Assert.Contains("bad.msgpack: at byte 8: format version 9 is not supported", output.Replace("\n", ""));
    }

    [Fact]
    public async Task Video_ShippedSample_WritesAnMp4OfEveryFrame()
    {
        string? root = AppContext.BaseDirectory;
        while (root != null && !File.Exists(Path.Combine(root, "MedSeg.Realtime.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        string video = P("sample.mp4");
        var (code, output) = await Run("video", Path.Combine(root, "recordings", "sample-lesion.msgpack"), "--out", video, "--mode", "Contour");
        Assert.True(code == 0, output);
        Assert.Contains("wrote 10 frames", output.Replace("\n", " "));
        Assert.True(new FileInfo(video).Length > 1000);
    }

    [Fact]
    public async Task Video_CorruptFile_ClearErrorWithOffset_ExitCode2()
    {
        string bad = P("bad.msgpack");
        File.WriteAllBytes(bad, new byte[40]);
        var (code, output) = await Run("video", bad, "--out", P("bad.mp4"));
        Assert.Equal(CommandErrors.BadInput, code);
        Assert.Contains("bad.msgpack: at byte 0", output.Replace("\n", ""));
    }

    [Fact]
    public async Task Record_ExistingFile_RefusedUnlessOverwrite()
    {
        string model = TinyCheckpoint(P("m.ckpt"));
        string s = P("s.msgpack");
        File.WriteAllText(s, "precious");
        var (code, output) = await Run("record", "--model", model, "--source", "synthetic:lesion?fps=0&frames=2&size=32", "--out", s, "--threads", "1", "--device", "cpu");
        Assert.Equal(CommandErrors.BadInput, code);
        Assert.Contains("already exists", output);
        Assert.Equal("precious", File.ReadAllText(s));
    }

    [Theory]
    [InlineData("record")]
    [InlineData("replay")]
    [InlineData("score")]
    [InlineData("export")]
    [InlineData("info")]
    [InlineData("video")]
    public async Task Help_EveryRecordingCommand_ListsOptions(string command)
    {
        var (code, output) = await Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--", output);
    }

    [Fact]
    public void Benchmark_SmallRun_ProducesNumbers()
    {
        var r = MedSeg.Cli.Bench.RecordingBenchmark.Run(new MedSeg.Cli.Bench.RecordingBenchmark.Options { Frames = 40, Size = 64, Loop = 4, Directory = _dir });
        Assert.True(r.WriteFps > 0 && r.ReadFps > 0 && r.ScoreFps > 0 && r.BytesPerFrame > 0);
        Assert.InRange(r.MeanIou, 0, 1);
    }

    private static string TinyCheckpoint(string path)
    {
        manual_seed(7); // the recorded predictions below depend on these weights
        return CliRunner.TinyCheckpoint(path);
    }

    private static Task<(int Code, string Output)> Run(params string[] args) => CliRunner.RunAsync(args);
}
