namespace MedSeg.Imaging.Phantoms;

/// <summary>The few distributions the phantoms draw from, all from one <see cref="Random"/> so a seed fixes an image.</summary>
internal static class RandomDraws
{
    public static double Uniform(this Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    public static double Gaussian(this Random rng)
    {
        // Box–Muller; 1 - NextDouble() is in (0, 1], so the log is finite.
        double u = 1.0 - rng.NextDouble();
        double v = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    public static double Sign(this Random rng) => rng.Next(2) == 0 ? -1.0 : 1.0;
}
