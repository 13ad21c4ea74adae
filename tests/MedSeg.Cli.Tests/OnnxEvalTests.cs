using System.Text.Json;
using MedSeg.Cli.Commands;
using MedSeg.Cli.Reports;
using MedSeg.Model;
using Onnx;

namespace MedSeg.Cli.Tests;

/// <summary>
/// `eval --model X.onnx` and `compare A B` with ONNX models: a checkpoint and its export score
/// the same, on images of its input size or larger (resized, as the checkpoint resizes them); the
/// export of a patch-trained checkpoint is tiled exactly as the checkpoint is.
/// </summary>
[Collection("console")]
public sealed class OnnxEvalTests : IDisposable
{
    private const string SmallSet = "synthetic:lesion?n=6&size=128&seed=7";   // the shipped model's own input size
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-onnx-eval-").FullName;
    private readonly string _checkpoint = Path.Combine(Recording.ChildBuild.RepoRoot(), DemoCommand.DefaultModel);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("ours")]
    [InlineData("foreign")]
    public async Task Eval_CheckpointAndItsOnnx_GiveTheSameScores(string kind)
    {
        string onnx = kind == "ours" ? await ExportAsync("probs") : await ForeignAsync();
        var ckpt = await EvalAsync(_checkpoint, SmallSet, "ckpt");
        var (fromOnnx, output) = await EvalWithOutputAsync(onnx, SmallSet, "onnx");
        Assert.Contains("inference: cpu (onnxruntime)", output);
        Assert.DoesNotContain("tiled inference", output);
        // A real model on its own kind of data: a broken path could not score this well by chance.
        Assert.True(ckpt.Summary.MeanDice > 0.8, $"checkpoint mean Dice {ckpt.Summary.MeanDice}");
        EvalReportAssert.SameScores(ckpt, fromOnnx);
    }

    [Fact]
    public async Task Eval_OnnxOnLargerImages_ResizedLikeItsCheckpoint()
    {
        // The 128² export carries its checkpoint's "resize to 128×128": 256² images are resized, not
        // tiled at 256² (structures at twice the scale the network was trained on, four windows each).
        const string large = "synthetic:lesion?n=4&size=256&seed=3";
        string onnx = await ExportAsync("probs");

        var (ckpt, _) = await EvalWithOutputAsync(_checkpoint, large, "ckpt-large", "--engine", "torch");
        var (resized, output) = await EvalWithOutputAsync(onnx, large, "onnx-large");

        Assert.DoesNotContain("tiled inference", output);
        Assert.Equal(4, resized.Images);
        Assert.True(ckpt.Summary.MeanDice > 0.5, $"checkpoint mean Dice {ckpt.Summary.MeanDice}");
        EvalReportAssert.SameScores(ckpt, resized);
    }

    [Fact]
    public async Task Eval_ExportOfAPatchTrainedCheckpoint_TiledAsTheCheckpointIs()
    {
        // The same weights as a checkpoint "trained on 128² patches of 256² inputs": export-onnx writes a
        // 128² graph whose windows are cut from images resized to 256², as the checkpoint's are.
        const string larger = "synthetic:lesion?n=4&size=320&seed=3";
        string patched = PatchedCheckpoint(), onnx = Path.Combine(_dir, "patch128.onnx");
        var (code, exported) = await CliRunner.RunAsync("export-onnx", patched, "--out", onnx);
        Assert.True(code == 0, exported);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));

        var (tiledCkpt, ckptOutput) = await EvalWithOutputAsync(patched, larger, "patch-ckpt", "--engine", "torch");
        var (tiledOnnx, onnxOutput) = await EvalWithOutputAsync(onnx, larger, "patch-onnx");

        Assert.Contains("the graph takes a 128×128 window, cut from images resized to 256×256", exported.Replace("\n", ""));
        Assert.Equal([1, 1, 128, 128], graph.Graph.Input[0].Type.TensorType.Shape.Dim.Select(static d => d.DimValue));
        Assert.Contains("tiled inference: 256×256 images in windows of 128×128", ckptOutput);
        Assert.Contains("tiled inference: 256×256 images in windows of 128×128", onnxOutput);
        Assert.Equal(4, tiledOnnx.Images);
        EvalReportAssert.SameScores(tiledCkpt, tiledOnnx);
    }

    [Fact]
    public async Task ExportInt8_PatchTrainedCheckpoint_CalibratedOnItsWindows()
    {
        string onnx = Path.Combine(_dir, "patch128-int8.onnx");

        var (code, output) = await CliRunner.RunAsync("export-onnx", PatchedCheckpoint(), "--out", onnx, "--precision", "int8",
                                                      "--calibration", "synthetic:lesion?n=4&size=256&seed=5", "--calibration-images", "4");

        Assert.True(code == 0, output);
        Assert.Contains("int8: calibrated on", output);
        Assert.Contains("the graph takes a 128×128 window", output.Replace("\n", ""));
    }

    /// <summary>The shipped weights re-declared as "trained on 128² patches of 256² inputs".</summary>
    private string PatchedCheckpoint()
    {
        string patched = Path.Combine(_dir, "patch128.ckpt");
        if (File.Exists(patched)) return patched;
        var (net, info) = Checkpoint.Load(_checkpoint);
        using (net) Checkpoint.Save(patched, net, info with { Preprocess = info.Preprocess with { Width = 256, Height = 256 }, Patch = 128 });
        return patched;
    }

    [Fact]
    public async Task Compare_CheckpointAgainstItsOnnx_NoDifference()
    {
        string onnx = await ExportAsync("probs");
        string outDir = Path.Combine(_dir, "compare");
        var (code, output) = await CliRunner.RunAsync("compare", _checkpoint, onnx, "--data", SmallSet, "--out", outDir, "--threads", "1", "--worst", "0");
        Assert.True(code == 0, output);
        var report = ReportJson.Load<CompareReport>(Path.Combine(outDir, "compare.json"));
        Assert.Equal(6, report.Images);
        foreach (var m in report.Metrics.Where(static m => m.Metric != "hd95")) // a pixel moved on a boundary may shift HD95 by a pixel
        {
            Assert.True(m.MeanA > 0.7, $"{m.Metric}: mean {m.MeanA}");
            Assert.True(Math.Abs(m.MeanDifference) <= 2e-3, $"{m.Metric}: B − A = {m.MeanDifference}");
        }
    }

    [Fact]
    public async Task Eval_OnnxWithTorchEngine_ClearErrorExit2()
    {
        string onnx = await ExportAsync("probs");
        var (code, output) = await CliRunner.RunAsync("eval", "--model", onnx, "--engine", "torch", "--data", SmallSet, "--out", Path.Combine(_dir, "e"));
        Assert.Equal(2, code);
        Assert.Single(output.Split('\n'), static l => l.StartsWith("error:"));
        Assert.Contains("--engine torch runs a .ckpt", output);
    }

    private async Task<string> ExportAsync(string head)
    {
        string onnx = Path.Combine(_dir, $"lesion-{head}.onnx");
        if (File.Exists(onnx)) return onnx;
        var (code, output) = await CliRunner.RunAsync("export-onnx", _checkpoint, "--out", onnx, "--head", head);
        Assert.True(code == 0, output);
        return onnx;
    }

    /// <summary>The export as a model made elsewhere: logits out, no MedSeg metadata, the contract in a JSON sidecar.</summary>
    private async Task<string> ForeignAsync()
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(await ExportAsync("logits")));
        proto.MetadataProps.Clear();
        string path = Path.Combine(_dir, "foreign.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var info = Checkpoint.ReadInfo(_checkpoint);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["class_names"] = info.Model.ClassNames, ["head"] = "logits", ["preprocess"] = info.Preprocess, ["threshold"] = info.Threshold,
        }));
        return path;
    }

    private async Task<EvalReport> EvalAsync(string model, string data, string name, params string[] extra) =>
        (await EvalWithOutputAsync(model, data, name, extra)).Report;

    private async Task<(EvalReport Report, string Output)> EvalWithOutputAsync(string model, string data, string name, params string[] extra)
    {
        string outDir = Path.Combine(_dir, "eval-" + name);
        var (code, output) = await CliRunner.RunAsync(["eval", "--model", model, "--data", data, "--out", outDir, "--batch-size", "4",
                                                       "--samples", "1", "--threads", "1", .. extra]);
        Assert.True(code == 0, output);
        return (EvalReport.Load(Path.Combine(outDir, "report.json")), output.Replace("\n", ""));
    }
}
