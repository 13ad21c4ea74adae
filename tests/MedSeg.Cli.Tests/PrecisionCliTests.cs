using System.Text.Json;

namespace MedSeg.Cli.Tests;

/// <summary>--precision end to end: int8 exported and in memory runs; every combination that cannot run is refused in one line, exit 2, naming the option and why.</summary>
[Collection("console")]
public sealed class PrecisionCliTests : IDisposable
{
    private const string Calibration = "synthetic:lesion?n=8&size=32&seed=3", Source = "synthetic:lesion?fps=0&frames=8&size=32";
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-precision-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TinyCheckpoint() => CliRunner.TinyCheckpoint(Path.Combine(_dir, "tiny.ckpt"));

    [Fact]
    public async Task ExportOnnx_Int8_ThenStreamTheFile_ProcessesEveryFrame()
    {
        string onnx = Path.Combine(_dir, "int8.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx, "--head", "labels", "--precision", "int8", "--calibration", Calibration);
        Assert.True(code == 0, output);
        Assert.Contains("int8", output);
        Assert.Contains("calibrated on synthetic:lesion (8 of 8 images)", output);
        string report = Path.Combine(_dir, "stream.json");
        (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--source", Source, "--mode", "All", "--report", report, "--threads", "1");
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(8, doc.RootElement.GetProperty("framesOut").GetInt64());
    }

    [Fact]
    public async Task Stream_Int8_QuantizesInMemory_OnOnnxRuntime()
    {
        var (code, output) = await CliRunner.RunAsync("stream", "--model", TinyCheckpoint(), "--precision", "int8", "--calibration", Calibration,
                                                      "--source", Source, "--mode", "All", "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Contains("engine: onnx (--precision int8 runs on ONNX Runtime only)", output);
        Assert.Contains("int8: calibrated on synthetic:lesion", output);
    }

    [Theory]
    [InlineData("bf16", "onnx", "cpu", "--precision bf16 runs on the TorchSharp engine: ONNX Runtime's CPU execution provider has no bfloat16 kernels")]
    [InlineData("bf16", "onnx", "cuda", "--precision bf16 on --device cuda is not offered: the GPU path was never run")]
    [InlineData("int8", "torch", "cpu", "--precision int8 runs on ONNX Runtime (a QDQ graph); --engine torch runs fp32 or bf16")]
    [InlineData("int8", "onnx", "tensorrt", "--precision int8 on --device tensorrt is not offered")]
    [InlineData("fp16", "auto", "cpu", "--precision 'fp16': use fp32, bf16 or int8")]
    public async Task Stream_PrecisionThatCannotRun_OneLineErrorExit2(string precision, string engine, string device, string expected)
    {
        var (code, output) = await CliRunner.RunAsync("stream", "--model", TinyCheckpoint(), "--precision", precision, "--engine", engine, "--device", device,
                                                      "--source", Source, "--threads", "1");
        Assert.Equal(2, code);
        Assert.Single(output.Split('\n'), static l => l.StartsWith("error:"));
        Assert.Contains(expected, output.Replace("\n", ""));
    }

    [Fact]
    public async Task Stream_Bf16_RunsOnTorchWhereThisCpuHasNativeBf16_ElseRefusedNamingTheCpu()
    {
        // The one CPU-dependent case: each machine must get the answer its own cpuinfo gives.
        var cpu = MedSeg.Core.Inference.CpuBf16Probe.Current;
        string report = Path.Combine(_dir, "bf16.json");
        var (code, output) = await CliRunner.RunAsync("stream", "--model", TinyCheckpoint(), "--precision", "bf16", "--source", Source, "--mode", "All",
                                                      "--report", report, "--threads", "1");
        if (cpu.Native)
        {
            Assert.True(code == 0, output);
            Assert.Contains("engine: torch (--precision bf16 runs on the TorchSharp engine", output);
            using var doc = JsonDocument.Parse(File.ReadAllText(report));
            Assert.Equal(8, doc.RootElement.GetProperty("framesOut").GetInt64());
        }
        else
        {
            Assert.Equal(2, code);
            Assert.Single(output.Split('\n'), static l => l.StartsWith("error:"));
            Assert.Contains($"--precision bf16 is not offered on this CPU ({cpu.CpuModel})", output.Replace("\n", ""));
            Assert.Contains("libtorch would emulate bf16, slower than fp32", output.Replace("\n", ""));
        }
    }

    [Fact]
    public async Task ExportOnnx_Bf16_Refused_Exit2_NothingWritten()
    {
        string onnx = Path.Combine(_dir, "bf16.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx, "--precision", "bf16");
        Assert.Equal(2, code);
        Assert.Contains("--precision bf16 is not offered", output);
        Assert.Contains("a bf16 .onnx would not load", output.Replace("\n", ""));
        Assert.False(File.Exists(onnx));
    }

    [Fact]
    public async Task Int8_OnAnOnnxFile_OrWithoutCalibrationData_ClearErrorExit2()
    {
        string onnx = Path.Combine(_dir, "f.onnx");
        var (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", onnx);
        Assert.True(code == 0, output);
        (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--precision", "int8", "--source", Source);
        Assert.Equal(2, code);
        Assert.Contains("is already an ONNX graph and runs as written", output.Replace("\n", ""));
        // The tiny checkpoint names no data set that opens: calibration has nothing to read.
        (code, output) = await CliRunner.RunAsync("export-onnx", TinyCheckpoint(), "--out", Path.Combine(_dir, "q.onnx"), "--precision", "int8");
        Assert.Equal(2, code);
        Assert.Contains("calibrates on the checkpoint's training data 'none', which does not open here", output.Replace("\n", ""));
        Assert.Contains("--calibration DATA", output.Replace("\n", ""));
    }

    /// <summary>`bench --precisions` on the tiny checkpoint at 32², one short round; returns precisions.md.</summary>
    private async Task<string> BenchPrecisions(string precisions, string folder)
    {
        string outDir = Path.Combine(_dir, folder);
        var (code, output) = await CliRunner.RunAsync("bench", "--precisions", precisions, "--model", TinyCheckpoint(), "--calibration", Calibration,
                                                      "--sizes", "32", "--thread-counts", "1", "--iterations", "2", "--rounds", "1",
                                                      "--eval-data", "synthetic:lesion?n=4&size=32&seed=5", "--out", outDir);
        Assert.True(code == 0, output);
        return File.ReadAllText(Path.Combine(outDir, "precisions.md"));
    }

    [Fact]
    public async Task BenchPrecisions_TinyModel_WritesSpeedAndDiceTables()
    {
        string md = await BenchPrecisions("fp32,int8", "bench");
        Assert.Contains("| 32² | 1 |", md);
        Assert.Contains("| synthetic:lesion?n=4&size=32&seed=5 | 4 | lesion |", md);
        Assert.Contains("It stays opt-in", md);
    }

    [Fact]
    public async Task BenchPrecisions_AllThree_Int8OnOnnxAndBf16OnTorch_EachAgainstFp32()
    {
        var cpu = MedSeg.Core.Inference.CpuBf16Probe.Current;
        string md = await BenchPrecisions("bf16,fp32,int8", "bench3");
        Assert.Contains("fp32 against int8, both on the ONNX engine (CPU provider)", md);
        Assert.Contains("fp32 against bf16, both on the TorchSharp engine (TorchScript)", md);
        Assert.Contains("| fp32 Dice | bf16 Dice | change |", md);
        Assert.Contains("| fp32 Dice | int8 Dice | change |", md);
        Assert.Contains("Largest mean Dice loss of bf16", md);
        // Emulated bf16 timings are marked so, native ones are not.
        Assert.Equal(!cpu.Native, md.Contains("emulated (no AVX512_BF16/AMX): not representative"));
        Assert.Contains(cpu.CpuModel, md);
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("int8,bf16")]
    [InlineData("fp32,fp16")]
    public async Task BenchPrecisions_SetWithoutFp32AndAReducedOne_Exit2(string names)
    {
        var (code, output) = await CliRunner.RunAsync("bench", "--precisions", names, "--model", TinyCheckpoint(), "--out", Path.Combine(_dir, "bad"));
        Assert.Equal(2, code);
        Assert.Contains($"--precisions '{names}': compare fp32 with int8, bf16 or both", output.Replace("\n", ""));
    }

    [Fact]
    public async Task BenchOverlap_TinyModel_TimesSyncAndSlots()
    {
        string outDir = Path.Combine(_dir, "overlap");
        var (code, output) = await CliRunner.RunAsync("bench", "--overlap", "6", "--model", TinyCheckpoint(), "--threads", "1", "--batches", "1", "2", "--out", outDir);
        Assert.True(code == 0, output);
        string md = File.ReadAllText(Path.Combine(outDir, "overlap.md"));
        Assert.Contains("| cpu (onnxruntime) | 32² | 1 | 6 |", md);
        Assert.Contains("| cpu (onnxruntime) | 32² | 2 | 6 |", md);
    }
}
