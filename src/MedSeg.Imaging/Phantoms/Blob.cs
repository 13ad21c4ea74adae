namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// A rotated ellipse whose radius wobbles with the 2nd and 3rd angular harmonics, so organs and
/// lesions look less like textbook ellipses while staying a closed, star-shaped region.
/// </summary>
/// <remarks>
/// <see cref="Level"/> is the one inside test used both to paint intensities and to write the
/// mask, which is what makes the phantom masks exact.
/// </remarks>
internal readonly record struct Blob(
    double X, double Y, double A, double B, double Angle,
    double Wobble2 = 0, double Phase2 = 0, double Wobble3 = 0, double Phase3 = 0)
{
    /// <summary>Normalised radius: &lt; 1 inside, 1 on the boundary, grows outwards (exact up to 2; beyond, a lower bound &gt; 2).</summary>
    public double Level(double x, double y)
    {
        double dx = x - X, dy = y - Y;
        // Far points skip the trigonometry: callers only tell levels apart below ~1.3.
        double far = Extent();
        double distanceSq = dx * dx + dy * dy;
        if (distanceSq > 4 * far * far) return Math.Sqrt(distanceSq) / far;
        double c = Math.Cos(Angle), s = Math.Sin(Angle);
        double u = (dx * c + dy * s) / A;
        double v = (-dx * s + dy * c) / B;
        double rho = Math.Sqrt(u * u + v * v);
        if (Wobble2 == 0 && Wobble3 == 0) return rho;
        double phi = Math.Atan2(v, u);
        return rho / (1.0 + Wobble2 * Math.Cos(2 * phi + Phase2) + Wobble3 * Math.Cos(3 * phi + Phase3));
    }

    /// <summary>Radius of a circle around the centre that contains the blob out to <paramref name="level"/>.</summary>
    public double Extent(double level = 1.0) => Math.Max(A, B) * (1.0 + Math.Abs(Wobble2) + Math.Abs(Wobble3)) * level;

    public Blob Shifted(double dx, double dy) => this with { X = X + dx, Y = Y + dy };

    public Blob Scaled(double factor) => this with { A = A * factor, B = B * factor };

    public static Blob Draw(Random rng, double x, double y, double a, double b, double angle, double wobble) =>
        new(x, y, a, b, angle,
            wobble * rng.NextDouble(), rng.Uniform(0, 2 * Math.PI),
            wobble * rng.NextDouble(), rng.Uniform(0, 2 * Math.PI));
}
