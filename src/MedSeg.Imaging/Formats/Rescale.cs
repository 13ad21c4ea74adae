using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats;

/// <summary>Stored value → output unit (Hounsfield units for CT): <c>out = stored × Slope + Intercept</c>.</summary>
public readonly record struct Rescale(double Slope, double Intercept)
{
    public static Rescale Identity { get; } = new(1, 0);

    public bool IsIdentity => Slope == 1 && Intercept == 0;

    /// <summary>Whole-number slope and intercept: integer samples stay integers after the rescale.</summary>
    public bool IsInteger => Slope == Math.Round(Slope) && Intercept == Math.Round(Intercept);

    public double Apply(double stored) => stored * Slope + Intercept;

    /// <summary>
    /// The narrowest frame format that holds every rescaled value of stored samples in
    /// [<paramref name="storedMin"/>, <paramref name="storedMax"/>] exactly. 16-bit data stays
    /// 16-bit (Gray16 / Int16) whenever it fits; only a fractional rescale or a range wider than
    /// 16 bits becomes Float32. Never narrows to 8 bits unless the file is 8-bit unscaled.
    /// </summary>
    public PixelFormat ChooseFormat(SampleType type, double storedMin, double storedMax)
    {
        if (type == SampleType.Float32) return PixelFormat.Float32;
        if (IsIdentity)
            return type switch
            {
                SampleType.UInt8 => PixelFormat.Gray8,
                SampleType.UInt16 => PixelFormat.Gray16,
                _ => PixelFormat.Int16, // Int8 widens losslessly; Int16 stays
            };
        if (!IsInteger) return PixelFormat.Float32;
        double a = Apply(storedMin), b = Apply(storedMax);
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        if (lo >= short.MinValue && hi <= short.MaxValue) return PixelFormat.Int16;
        if (lo >= 0 && hi <= ushort.MaxValue) return PixelFormat.Gray16;
        return PixelFormat.Float32;
    }

    public override string ToString() => $"×{Slope:0.####} {(Intercept < 0 ? "−" : "+")} {Math.Abs(Intercept):0.####}";
}
