using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// Ultrasound-like scene from a convex probe: a sector-shaped field of view, tissue whose
/// echogenicity varies smoothly with depth, bright fascia lines, and 0–3 hypoechoic lesions (the
/// label) with a bright rim and posterior acoustic enhancement. Speckle is Rayleigh and
/// multiplicative; the display is log-compressed like a scanner's.
/// </summary>
/// <remarks>
/// Lesion interiors are 16–20 dB below the tissue, while log-compressed speckle varies by ~5.6 dB
/// (one standard deviation), so a lesion is obvious after mild smoothing: a small U-Net learns it
/// in minutes. Lesions live in polar coordinates around the probe apex, so a drifting lesion
/// provably stays inside the sector (its margin includes the motion amplitude).
/// </remarks>
internal sealed record UltrasoundPhantom(
    int Size, double ApexX, double ApexY, double RMin, double RMax, double HalfAngle,
    double Gain, double Attenuation, double BandPeriod, double BandPhase, double LateralK, double LateralPhase,
    double[] Layers, UltrasoundPhantom.Lesion[] Lesions) : IPhantom
{
    private const double DynamicRangeDb = 40;
    private const double RimWidth = 0.2;

    /// <summary>A lesion at polar position (R, Theta) from the apex, drifting sinusoidally around it.</summary>
    internal sealed record Lesion(Blob Shape, double R, double Theta, double Contrast,
        double AmpR, double AmpT, double FreqR, double FreqT, double PhaseR, double PhaseT);

    public static UltrasoundPhantom Draw(int size, Random rng, bool allowEmpty)
    {
        double s = size;
        double apexX = s * (0.5 + 0.015 * rng.Gaussian()), apexY = -s * rng.Uniform(0.1, 0.16);
        double rMin = -apexY + s * rng.Uniform(0.03, 0.07);
        double rMax = -apexY + s * rng.Uniform(0.93, 0.98);
        double half = rng.Uniform(33, 40) * Math.PI / 180;
        var layers = new double[rng.Next(1, 3)];
        for (int k = 0; k < layers.Length; k++) layers[k] = rMin + s * rng.Uniform(0.03, 0.2);
        var scene = new UltrasoundPhantom(size, apexX, apexY, rMin, rMax, half,
            rng.Uniform(0.3, 0.42), rng.Uniform(0.0, 0.6), s * rng.Uniform(0.25, 0.5), rng.Uniform(0, 2 * Math.PI),
            rng.Uniform(2, 5), rng.Uniform(0, 2 * Math.PI), layers, []);
        int count = allowEmpty && rng.NextDouble() < 0.1 ? 0 : rng.Next(1, 4);
        var lesions = new List<Lesion>();
        for (int tries = 0; lesions.Count < count && tries < 40; tries++)
        {
            var lesion = scene.DrawLesion(rng);
            if (lesion is not null && !lesions.Exists(o => Overlaps(o, lesion))) lesions.Add(lesion);
        }
        return scene with { Lesions = [.. lesions] };
    }

    /// <summary>This probe's fan as a <see cref="Core.Frames.SectorGeometry"/> sampled by <paramref name="lines"/> × <paramref name="samples"/> pre-scan pixels.</summary>
    public Core.Frames.SectorGeometry Sector(int lines, int samples) => new Core.Frames.SectorGeometry
    {
        Kind = Core.Frames.SectorKind.Sector, Width = Size, Height = Size, Lines = lines, Samples = samples,
        ApexX = ApexX, ApexY = ApexY, MinRadius = RMin, MaxRadius = RMax, StartAngle = -HalfAngle, EndAngle = HalfAngle,
    }.Validate();

    public IPhantom At(double frame) => this with { Lesions = Array.ConvertAll(Lesions, l => Move(l, frame)) };

    public LabeledImage Render(string id, Random noise)
    {
        int n = Size;
        var image = new float[n * n];
        var mask = new byte[n * n];
        float[] speckle = Speckle(n, noise);
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                double dx = x - ApexX, dy = y - ApexY;
                double r = Math.Sqrt(dx * dx + dy * dy), theta = Math.Atan2(dx, dy);
                if (r < RMin || r > RMax || Math.Abs(theta) > HalfAngle) continue;
                double tissue = Gain * (1 + 0.3 * Math.Sin(2 * Math.PI * r / BandPeriod + BandPhase))
                    * (1 + 0.12 * Math.Sin(LateralK * theta + LateralPhase)) * Math.Exp(-Attenuation * (r - RMin) / n);
                double echo = tissue;
                foreach (double depth in Layers)
                {
                    double d = (r - depth) / (0.01 * n);
                    echo += 2.5 * Gain * Math.Exp(-d * d);
                }
                foreach (var lesion in Lesions)
                {
                    double level = lesion.Shape.Level(x, y);
                    if (level < 1)
                    {
                        mask[i] = 1;
                        echo = tissue * lesion.Contrast;
                        break;
                    }
                    if (level < 1 + RimWidth) echo *= 1 + 0.9 * (1 - (level - 1) / RimWidth);
                    echo *= Enhancement(lesion, r, theta);
                }
                double envelope = echo * speckle[i] + 0.004 * Math.Abs(noise.Gaussian());
                // Log compression: 0 dB at envelope 2 (bright reflectors saturate), DynamicRangeDb to black.
                image[i] = (float)(1 + 20 * Math.Log10(envelope / 2) / DynamicRangeDb);
            }
        }
        return new LabeledImage(id, Raster.ToImage(image, n), Raster.ToMask(mask, n));
    }

    private Lesion? DrawLesion(Random rng)
    {
        double s = Size;
        double a = s * rng.Uniform(0.045, 0.12);
        var shape = Blob.Draw(rng, 0, 0, a, a * rng.Uniform(0.6, 1.0), rng.Uniform(-0.35, 0.35), 0.06);
        double ampR = s * rng.Uniform(0.01, 0.035), ampArc = s * rng.Uniform(0.01, 0.035);
        // Motion moves by up to 2 × amplitude from the start (sin(ωt+φ) − sin φ).
        double reach = shape.Extent(1 + RimWidth) + 0.02 * s;
        double lo = RMin + reach + 2 * ampR, hi = RMax - reach - 2 * ampR;
        if (hi <= lo) return null;
        double r = rng.Uniform(lo, hi);
        double thetaMax = HalfAngle - (reach + 2 * ampArc) / r;
        if (thetaMax <= 0) return null;
        double theta = rng.Uniform(-thetaMax, thetaMax);
        var lesion = new Lesion(shape, r, theta, rng.Uniform(0.1, 0.16), ampR, ampArc / r,
            2 * Math.PI / rng.Uniform(120, 300), 2 * Math.PI / rng.Uniform(120, 300),
            rng.Uniform(0, 2 * Math.PI), rng.Uniform(0, 2 * Math.PI));
        return Move(lesion, 0);
    }

    private Lesion Move(Lesion lesion, double frame)
    {
        double r = lesion.R + lesion.AmpR * (Math.Sin(lesion.FreqR * frame + lesion.PhaseR) - Math.Sin(lesion.PhaseR));
        double t = lesion.Theta + lesion.AmpT * (Math.Sin(lesion.FreqT * frame + lesion.PhaseT) - Math.Sin(lesion.PhaseT));
        return lesion with { Shape = lesion.Shape with { X = ApexX + r * Math.Sin(t), Y = ApexY + r * Math.Cos(t) } };
    }

    private static bool Overlaps(Lesion a, Lesion b)
    {
        double dx = a.Shape.X - b.Shape.X, dy = a.Shape.Y - b.Shape.Y;
        double reach = a.Shape.Extent(1 + RimWidth) + b.Shape.Extent(1 + RimWidth);
        return dx * dx + dy * dy < reach * reach;
    }

    /// <summary>Posterior enhancement: the weakly attenuating lesion leaves a brighter band behind it.</summary>
    private double Enhancement(Lesion lesion, double r, double theta)
    {
        double rc = Math.Sqrt(Math.Pow(lesion.Shape.X - ApexX, 2) + Math.Pow(lesion.Shape.Y - ApexY, 2));
        if (r <= rc) return 1;
        double tc = Math.Atan2(lesion.Shape.X - ApexX, lesion.Shape.Y - ApexY);
        double across = Math.Abs(theta - tc) * r / lesion.Shape.Extent();
        if (across >= 1) return 1;
        double window = Math.Cos(0.5 * Math.PI * across);
        return 1 + 0.6 * window * window * Math.Exp(-(r - rc) / (0.3 * Size));
    }

    /// <summary>Fully developed speckle: |complex Gaussian| with ~1 px correlation, scaled to unit mean (Rayleigh).</summary>
    private static float[] Speckle(int n, Random noise)
    {
        var re = new float[n * n];
        var im = new float[n * n];
        for (int i = 0; i < re.Length; i++) { re[i] = (float)noise.Gaussian(); im[i] = (float)noise.Gaussian(); }
        double sigma = 0.6 * n / 128.0;
        Raster.Blur(re, n, sigma);
        Raster.Blur(im, n, sigma);
        double mean = 0;
        for (int i = 0; i < re.Length; i++) { re[i] = MathF.Sqrt(re[i] * re[i] + im[i] * im[i]); mean += re[i]; }
        float scale = (float)(re.Length / Math.Max(mean, 1e-12));
        for (int i = 0; i < re.Length; i++) re[i] *= scale;
        return re;
    }
}
