namespace MedSeg.Onnx.Quantization;

/// <summary>How activation ranges are taken from the calibration run.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen (ONNX Runtime's own default).</summary>
    MinMax,
    /// <summary>The <see cref="QuantizationOptions.Percentile"/> of the values seen on each side, so rare outliers do not cost every other value its resolution.</summary>
    Percentile,
}

/// <summary>How <see cref="QdqQuantizer"/> quantizes a float graph.</summary>
public sealed record QuantizationOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;
    /// <summary>Percentile method: the share of values kept inside the range, in percent.</summary>
    public double Percentile { get; init; } = 99.99;

    public QuantizationOptions Validate()
    {
        if (!Enum.IsDefined(Method)) throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown calibration method");
        if (Percentile is <= 50 or > 100) throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "must be in (50, 100]");
        return this;
    }
}
