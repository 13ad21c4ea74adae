using MedSeg.Core.Inference;

namespace MedSeg.Cli.Engines;

/// <summary>
/// Which --precision runs where, decided once before anything is loaded, so an impossible
/// request fails with its reason (exit 2) instead of a runtime's load error.
/// </summary>
/// <remarks>
/// bf16: the TorchSharp engine (weights and input in bfloat16, the head in fp32), offered on a CPU
/// that does bf16 arithmetic natively (<see cref="CpuBf16Probe"/>: AVX512_BF16 or AMX on x86, the
/// bf16 feature on arm64); elsewhere libtorch would emulate it, slower than fp32, so it is refused.
/// ONNX Runtime's CPU provider has no bfloat16 arithmetic kernels (Conv, MatMul are float and int8
/// only on x86; a bf16 graph fails to load), and the GPU path was never run here. int8: a QDQ graph
/// that ONNX Runtime's CPU provider turns into int8 kernels (VNNI where the CPU has it); TorchSharp
/// has no such path, and on CUDA / TensorRT it was never run, so it is not offered there.
/// </remarks>
public static class PrecisionSupport
{
    public static EnginePrecision Parse(string value, string option = "--precision") => value.ToLowerInvariant() switch
    {
        "fp32" or "float32" => EnginePrecision.Fp32,
        "bf16" or "bfloat16" => EnginePrecision.Bf16,
        "int8" => EnginePrecision.Int8,
        _ => throw new ArgumentException($"{option} '{value}': use fp32, bf16 or int8"),
    };

    /// <summary>Throws <see cref="NotSupportedException"/> (exit 2) naming --precision and why, unless <paramref name="r"/> can run on this CPU.</summary>
    public static void Check(EngineRequest r) => Check(r, CpuBf16Probe.Current);

    /// <summary>As above, for the CPU <paramref name="cpu"/> describes (tests give any machine's).</summary>
    public static void Check(EngineRequest r, Bf16Capability cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        bool gpu = !(r.Device is "auto" or "cpu");
        switch (r.Precision)
        {
            case EnginePrecision.Fp32:
                return;
            case EnginePrecision.Bf16:
                if (gpu)
                    throw new NotSupportedException($"--precision bf16 on --device {r.Device} is not offered: the GPU path was never run (no GPU machine was available); " +
                                                    "TensorRT already builds FP16 engines (--device tensorrt --precision fp32)");
                if (r.Engine == EngineKind.Onnx)
                    throw new NotSupportedException("--precision bf16 runs on the TorchSharp engine: ONNX Runtime's CPU execution provider has no bfloat16 kernels " +
                                                    "(a bf16 Conv does not load); use --engine torch or auto");
                if (r.IsOnnxFile)
                    throw new NotSupportedException($"--precision bf16 runs a checkpoint on the TorchSharp engine; {r.Model} is an ONNX graph, and ONNX Runtime's CPU " +
                                                    "execution provider has no bfloat16 kernels (run it as written, or give the .ckpt)");
                if (!cpu.Native)
                    throw new NotSupportedException($"--precision bf16 is not offered on this CPU ({cpu.CpuModel}): it has no native bf16 arithmetic " +
                                                    $"({(cpu.Looked.Count == 0 ? cpu.LookedFor : $"no {cpu.LookedFor} flag in /proc/cpuinfo")}), so libtorch would emulate bf16, " +
                                                    "slower than fp32; use --precision int8 (int8 kernels on ONNX Runtime) or fp32");
                return;
            case EnginePrecision.Int8:
                if (r.Engine == EngineKind.Torch)
                    throw new NotSupportedException("--precision int8 runs on ONNX Runtime (a QDQ graph); --engine torch runs fp32 or bf16: use --engine onnx or auto");
                if (gpu)
                    throw new NotSupportedException($"--precision int8 on --device {r.Device} is not offered: it was calibrated and measured on ONNX Runtime's CPU provider only (no GPU machine was available)");
                if (r.IsOnnxFile)
                    throw new NotSupportedException($"--precision int8 quantizes a checkpoint; {r.Model} is already an ONNX graph and runs as written " +
                                                    "(quantize with `medseg export-onnx CKPT --precision int8`)");
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(r), r.Precision, "unknown precision");
        }
    }
}
