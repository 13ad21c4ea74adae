namespace MedSeg.Imaging.Formats;

/// <summary>A default display window in output units (HU for CT): values Center ± Width/2 map to black..white.</summary>
public readonly record struct DisplayWindow(double Center, double Width)
{
    public double Low => Center - Width / 2;

    public double High => Center + Width / 2;

    public override string ToString() => $"C {Center:0.##} / W {Width:0.##}";
}
