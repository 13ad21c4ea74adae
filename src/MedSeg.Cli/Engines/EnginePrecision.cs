namespace MedSeg.Cli.Engines;

/// <summary>--precision: the arithmetic the model runs in (fp32 unless asked; see <see cref="PrecisionSupport"/>).</summary>
public enum EnginePrecision
{
    Fp32,
    /// <summary>The TorchSharp engine in bfloat16, on CPUs with native bf16 only; refused elsewhere with the reason (<see cref="PrecisionSupport.Check(EngineRequest)"/>).</summary>
    Bf16,
    /// <summary>Static int8 QDQ graph on ONNX Runtime's CPU provider, calibrated on training images.</summary>
    Int8,
}
