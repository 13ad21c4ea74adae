namespace MedSeg.Imaging.Augment;

/// <summary>
/// Random transforms applied during training. Geometric ones hit image and mask identically
/// (bilinear for the image, nearest for the mask); photometric ones touch the image only.
/// </summary>
public sealed record AugmentOptions
{
    public bool Enabled { get; init; } = true;
    /// <summary>Probability of a horizontal flip.</summary>
    public double HorizontalFlip { get; init; } = 0.5;
    /// <summary>Probability of a vertical flip.</summary>
    public double VerticalFlip { get; init; }
    /// <summary>Turn square samples by 0, 90, 180 or 270° (uniform), exactly; non-square samples are left as they are.</summary>
    public bool Rotate90 { get; init; }
    /// <summary>Rotation drawn uniformly from ±RotateDegrees.</summary>
    public double RotateDegrees { get; init; } = 15;
    /// <summary>Scale drawn uniformly from 1 ± Scale.</summary>
    public double Scale { get; init; } = 0.1;
    /// <summary>Shift drawn uniformly from ±Shift × size, per axis.</summary>
    public double Shift { get; init; } = 0.05;
    /// <summary>Additive brightness drawn from ±Brightness (in normalised units).</summary>
    public double Brightness { get; init; } = 0.1;
    /// <summary>Contrast factor drawn from 1 ± Contrast.</summary>
    public double Contrast { get; init; } = 0.1;

    public static AugmentOptions None { get; } = new() { Enabled = false };
}
