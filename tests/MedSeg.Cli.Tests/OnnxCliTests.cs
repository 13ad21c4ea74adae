using System.Text.Json;

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
}
