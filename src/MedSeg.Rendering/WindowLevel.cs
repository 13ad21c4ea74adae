namespace MedSeg.Rendering;

/// <summary>Display window in raw pixel units (e.g. Hounsfield units for CT): <see cref="Low"/> shows black, <see cref="High"/> white.</summary>
/// <param name="Centre">Window centre (level).</param>
/// <param name="Width">Window width; must be positive.</param>
public readonly record struct WindowLevel(double Centre, double Width)
{
    public double Low => Centre - Width / 2;

    public double High => Centre + Width / 2;

    /// <summary>Typical CT soft-tissue window (40 / 400 HU).</summary>
    public static WindowLevel SoftTissue => new(40, 400);

    public static WindowLevel FromRange(double low, double high) => new((low + high) / 2, high - low);
}
