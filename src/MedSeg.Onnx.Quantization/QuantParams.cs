namespace MedSeg.Onnx.Quantization;

/// <summary>
/// Asymmetric uint8 parameters of one activation tensor: real = (q − ZeroPoint) · Scale. The range
/// always contains 0, so zero padding and ReLU's floor are exact, and a range starting at 0 gets
/// zero point 0, which is what lets ONNX Runtime drop a ReLU in front of its QuantizeLinear.
/// </summary>
public readonly record struct QuantParams(float Scale, byte ZeroPoint)
{
    public static QuantParams FromRange(float min, float max)
    {
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        if (!(max > min)) return new QuantParams(1f, 0); // a tensor that was always 0
        float scale = (max - min) / 255f;
        return new QuantParams(scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }
}
