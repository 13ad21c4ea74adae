using System.Text.Json;
using MedSeg.Cli.Reports;

namespace MedSeg.Cli.Tests;

/// <summary>export-onnx and --engine end to end: the exported file streams, bad models fail in one line with exit 2.</summary>
[Collection("console")]
public sealed class OnnxCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-onnx-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TinyCheckpoint() => CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));

    [Fact]
    public async Task ExportOnnx_ThenStreamTheFile_ProcessesEveryFrame()
    {
        string onnx = Path.Combine(_dir, "tiny.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx, "--head", "labels", "--dynamic-batch");
        Assert.True(code == 0, output);
        Assert.Contains("labels head", output);
        string report = Path.Combine(_dir, "stream.json");
        (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--source", "synthetic:lesion?fps=0&frames=12&size=32",
                                                  "--mode", "All", "--max-batch", "4", "--report", report, "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Contains("onnxruntime", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(12, doc.RootElement.GetProperty("framesOut").GetInt64());
    }

    [Theory]
    [InlineData("torch", "on cpu,")]
    [InlineData("onnx", "on cpu (onnxruntime)")]
    public async Task Stream_EngineOption_PicksTheEngine(string engine, string expected)
    {
        var (code, output) = await CliRunner.RunAsync("stream", "--model", TinyCheckpoint(), "--engine", engine,
                                                      "--source", "synthetic:lesion?fps=0&frames=8&size=32", "--mode", "All", "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Contains(expected, output.Replace("\n", ""));
    }

    [Fact]
    public async Task Stream_TruncatedOnnx_OneLineErrorExit2()
    {
        string onnx = Path.Combine(_dir, "cut.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx);
        Assert.True(code == 0, output);
        byte[] bytes = File.ReadAllBytes(onnx);
        File.WriteAllBytes(onnx, bytes[..(bytes.Length / 3)]);
        (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--source", "synthetic:lesion?fps=0&frames=4&size=32");
        Assert.Equal(2, code);
        var errors = output.Split('\n').Where(static l => l.StartsWith("error:")).ToArray();
        Assert.Single(errors);
        Assert.Contains("cut.onnx", output);
        Assert.Contains("ONNX Runtime cannot load it", output);
    }

    [Fact]
    public async Task Stream_TorchEngineOnOnnxFile_ClearErrorExit2()
    {
        string onnx = Path.Combine(_dir, "t.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx);
        Assert.True(code == 0, output);
        (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--engine", "torch", "--source", "synthetic:lesion?fps=0&frames=4&size=32");
        Assert.Equal(2, code);
        Assert.Contains("--engine torch runs a .ckpt", output);
    }

    [Fact]
    public async Task ExportOnnx_BadHead_ClearErrorExit2()
    {
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", Path.Combine(_dir, "x.onnx"), "--head", "softmax");
        Assert.Equal(2, code);
        Assert.Contains("--head 'softmax'", output);
    }

    [Fact]
    public async Task Eval_OnnxAndTorchEngines_GiveTheSameScores()
    {
        // The shipped model (128² input) on 160² images: both engines' probabilities are resampled
        // to the masks' native size and scored there; 6 images at batch 4 make a full and a short batch.
        string root = Recording.ChildBuild.RepoRoot();
        string model = Path.Combine(root, Commands.DemoCommand.DefaultModel);
        var reports = new Dictionary<string, EvalReport>();
        foreach (string engine in new[] { "torch", "onnx" })
        {
            string outDir = Path.Combine(_dir, "eval-" + engine);
            var (code, output) = await CliRunner.RunAsync("eval", "--model", model, "--data", "synthetic:lesion?n=6&size=160&seed=7", "--out", outDir,
                                                          "--engine", engine, "--batch-size", "4", "--samples", "1", "--threads", "1");
            Assert.True(code == 0, output);
            Assert.Contains(engine == "onnx" ? "inference: cpu (onnxruntime)" : "inference: cpu", output.Replace("\n", ""));
            reports[engine] = EvalReport.Load(Path.Combine(outDir, "report.json"));
        }
        var (torch, onnx) = (reports["torch"], reports["onnx"]);
        Assert.Equal(6, onnx.Images);
        // A real model on its own kind of data: a broken engine path could not score this well by chance.
        Assert.True(torch.Summary.MeanDice > 0.8, $"torch mean Dice {torch.Summary.MeanDice}");
        EvalReportAssert.SameScores(torch, onnx);
    }
}
