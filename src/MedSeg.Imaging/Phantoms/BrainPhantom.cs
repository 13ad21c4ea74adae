using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// Brain MRI-like axial slice (FLAIR-ish contrast): scalp, dark skull ring, thin CSF, grey and
/// white matter with a smooth texture, dark lateral ventricles, and one bright irregular lesion
/// (the label) made of a few overlapping ellipses. Noise is Rician, as in magnitude images.
/// </summary>
/// <remarks>
/// About one slice in ten has no lesion, so the model also sees empty masks. In a sequence the
/// lesion drifts on a slow loop and swells and shrinks, as when paging through slices.
/// </remarks>
internal sealed record BrainPhantom(
    int Size, Blob Head, Blob VentricleLeft, Blob VentricleRight, double GyriK, double GyriPhase,
    float[] Texture, Blob[] LesionParts, double LesionX, double LesionY, double LesionBrightness,
    double Amplitude, double Frequency, double Phase) : IPhantom
{
    private const double BrainLevel = 0.84;

    public static BrainPhantom Draw(int size, Random rng, bool allowEmpty)
    {
        double s = size;
        var head = Blob.Draw(rng, s * (0.5 + 0.02 * rng.Gaussian()), s * (0.5 + 0.02 * rng.Gaussian()),
            s * rng.Uniform(0.34, 0.39), s * rng.Uniform(0.42, 0.47), rng.Uniform(-0.14, 0.14), 0.02);
        double tilt = rng.Uniform(0.15, 0.35), gap = s * rng.Uniform(0.045, 0.065);
        double vy = head.Y - s * 0.02, va = s * rng.Uniform(0.025, 0.04), vb = s * rng.Uniform(0.09, 0.13);
        var ventricleLeft = Blob.Draw(rng, head.X - gap, vy, va, vb, head.Angle + tilt, 0.1);
        var ventricleRight = Blob.Draw(rng, head.X + gap, vy, va, vb, head.Angle - tilt, 0.1);
        float[] texture = Raster.SmoothNoise(size, s / 40.0, rng);
        var scene = new BrainPhantom(size, head, ventricleLeft, ventricleRight, rng.Uniform(12, 18),
            rng.Uniform(0, 2 * Math.PI), texture, [], 0, 0, rng.Uniform(0.82, 0.95),
            s * rng.Uniform(0.01, 0.03), 2 * Math.PI / rng.Uniform(120, 300), rng.Uniform(0, 2 * Math.PI));
        if (allowEmpty && rng.NextDouble() < 0.1) return scene;
        return scene.WithLesion(rng);
    }

    public IPhantom At(double frame)
    {
        double w = Frequency * frame + Phase;
        double dx = Amplitude * (Math.Sin(w) - Math.Sin(Phase));
        double dy = Amplitude * (Math.Cos(w) - Math.Cos(Phase));
        double scale = 1 + 0.08 * (Math.Sin(0.7 * w) - Math.Sin(0.7 * Phase));
        var parts = Array.ConvertAll(LesionParts, p =>
            p.Scaled(scale) with { X = LesionX + dx + (p.X - LesionX) * scale, Y = LesionY + dy + (p.Y - LesionY) * scale });
        return this with { LesionParts = parts, LesionX = LesionX + dx, LesionY = LesionY + dy };
    }

    public LabeledImage Render(string id, Random noise)
    {
        int n = Size;
        var image = new float[n * n];
        var mask = new byte[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                double head = Head.Level(x, y);
                double v;
                if (head >= 1) v = 0;
                else if (head >= 0.93) v = 0.7;            // scalp fat
                else if (head >= 0.87) v = 0.05;           // cortical bone gives no signal
                else if (head >= BrainLevel) v = 0.16;     // CSF, suppressed in FLAIR
                else
                {
                    // Grey matter forms a folded band under the cortex; it is a little brighter than white matter in FLAIR.
                    double phi = Math.Atan2(y - Head.Y, x - Head.X);
                    bool grey = head > 0.64 + 0.07 * Math.Sin(GyriK * phi + GyriPhase);
                    v = (grey ? 0.47 : 0.38) + 0.03 * Texture[i];
                    if (Math.Min(VentricleLeft.Level(x, y), VentricleRight.Level(x, y)) < 1) v = 0.1;
                    double lesion = LesionLevel(x, y);
                    if (lesion < 1)
                    {
                        mask[i] = 1;
                        v = LesionBrightness + 0.03 * Texture[i];
                    }
                    else if (lesion < 1.25)
                    {
                        v += 0.06 * (1 - (lesion - 1) / 0.25); // faint oedema halo
                    }
                }
                image[i] = (float)v;
            }
        }
        Raster.Blur(image, n, 0.5 * n / 128.0);
        for (int i = 0; i < image.Length; i++)
        {
            // Rician: the magnitude of a complex signal with Gaussian noise in both channels.
            double re = image[i] + 0.03 * noise.Gaussian(), im = 0.03 * noise.Gaussian();
            image[i] = (float)Math.Sqrt(re * re + im * im);
        }
        return new LabeledImage(id, Raster.ToImage(image, n), Raster.ToMask(mask, n));
    }

    private double LesionLevel(double x, double y)
    {
        double best = double.MaxValue;
        foreach (var part in LesionParts) best = Math.Min(best, part.Level(x, y));
        return best;
    }

    private BrainPhantom WithLesion(Random rng)
    {
        double s = Size;
        double a = s * rng.Uniform(0.045, 0.085);
        var parts = new Blob[rng.Next(2, 5)];
        parts[0] = Blob.Draw(rng, 0, 0, a, a * rng.Uniform(0.6, 1.0), rng.Uniform(0, Math.PI), 0.08);
        for (int k = 1; k < parts.Length; k++)
        {
            double angle = rng.Uniform(0, 2 * Math.PI), offset = a * rng.Uniform(0.4, 0.9), pa = a * rng.Uniform(0.4, 0.75);
            parts[k] = Blob.Draw(rng, offset * Math.Cos(angle), offset * Math.Sin(angle), pa, pa * rng.Uniform(0.6, 1.0),
                rng.Uniform(0, Math.PI), 0.08);
        }
        double reach = 0;
        foreach (var p in parts) reach = Math.Max(reach, Math.Sqrt(p.X * p.X + p.Y * p.Y) + p.Extent(1.25));
        // Normalised head level grows by at most distance / min(A, B) (+ wobble), so this keeps the lesion
        // and its swelling, drift and halo inside the brain.
        double room = BrainLevel * 0.95 - (reach * 1.08 + 2 * Amplitude) / (Math.Min(Head.A, Head.B) * 0.98);
        double rho = rng.Uniform(0.15, Math.Max(0.16, room));
        double dir = rng.Uniform(0, 2 * Math.PI);
        double u = rho * Head.A * Math.Cos(dir), v = rho * Head.B * Math.Sin(dir);
        double c = Math.Cos(Head.Angle), sn = Math.Sin(Head.Angle);
        double cx = Head.X + u * c - v * sn, cy = Head.Y + u * sn + v * c;
        return this with { LesionParts = Array.ConvertAll(parts, p => p.Shifted(cx, cy)), LesionX = cx, LesionY = cy };
    }
}
