using System.Runtime.InteropServices;
using MedSeg.Cli.Engines;
using MedSeg.Core.Inference;

namespace MedSeg.Cli.Tests.Engines;

/// <summary>Where --precision bf16 runs, for CPUs given as probe results (so the answer never depends on the machine running the tests).</summary>
public sealed class PrecisionSupportTests
{
    private static readonly Bf16Capability s_avx512Bf16 = new("AMD EPYC 9B14", Architecture.X64, ["avx512_bf16"], ["amx_bf16", "avx512_bf16"]);
    private static readonly Bf16Capability s_zen3 = new("AMD EPYC 7B13", Architecture.X64, [], ["amx_bf16", "avx512_bf16"]);
    private static readonly Bf16Capability s_graviton2 = new("arm64 CPU implementer 0x41, part 0xd0c", Architecture.Arm64, [], ["bf16"]);

    private static EngineRequest Bf16(EngineKind engine = EngineKind.Auto, string device = "auto", string model = "m.ckpt") =>
        new() { Model = model, Engine = engine, Device = device, Precision = EnginePrecision.Bf16 };

    [Theory]
    [InlineData(EngineKind.Auto, "auto")]
    [InlineData(EngineKind.Auto, "cpu")]
    [InlineData(EngineKind.Torch, "cpu")]
    public void Bf16_CpuWithNativeBf16_OnTheTorchSharpEngine_IsAccepted(EngineKind engine, string device) =>
        PrecisionSupport.Check(Bf16(engine, device), s_avx512Bf16);

    [Fact]
    public void Bf16_CpuWithoutNativeBf16_RefusedNamingTheCpuTheFlagsAndWhy()
    {
        var e = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(Bf16(EngineKind.Torch, "cpu"), s_zen3));
        Assert.Contains("--precision bf16 is not offered on this CPU (AMD EPYC 7B13)", e.Message);
        Assert.Contains("no amx_bf16 or avx512_bf16 flag in /proc/cpuinfo", e.Message);
        Assert.Contains("libtorch would emulate bf16, slower than fp32", e.Message);
        Assert.Contains("use --precision int8", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var arm = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(Bf16(), s_graviton2));
        Assert.Contains("(no bf16 flag in /proc/cpuinfo)", arm.Message);
    }

    [Fact]
    public void Bf16_OnOnnxRuntime_RefusedEvenWithNativeBf16()
    {
        var e = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(Bf16(EngineKind.Onnx, "cpu"), s_avx512Bf16));
        Assert.Contains("ONNX Runtime's CPU execution provider has no bfloat16 kernels", e.Message);
        Assert.Contains("--engine torch or auto", e.Message);
        var file = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(Bf16(model: "m.onnx"), s_avx512Bf16));
        Assert.Contains("m.onnx is an ONNX graph", file.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    [InlineData("tensorrt")]
    public void Bf16_OnAGpu_Refused(string device)
    {
        var e = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(Bf16(EngineKind.Auto, device), s_avx512Bf16));
        Assert.Contains($"--precision bf16 on --device {device} is not offered: the GPU path was never run", e.Message);
    }

    [Fact]
    public void Fp32AndInt8_DoNotDependOnTheBf16Probe()
    {
        PrecisionSupport.Check(new EngineRequest { Model = "m.ckpt" }, s_zen3);
        PrecisionSupport.Check(new EngineRequest { Model = "m.ckpt", Precision = EnginePrecision.Int8 }, s_zen3);
        var e = Assert.Throws<NotSupportedException>(() => PrecisionSupport.Check(new EngineRequest { Model = "m.ckpt", Engine = EngineKind.Torch, Precision = EnginePrecision.Int8 }, s_avx512Bf16));
        Assert.Contains("--engine torch runs fp32 or bf16", e.Message);
    }
}
