using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// Chest X-ray-like scene: a bright body, a heart and spine in the mediastinum, two dark lung
/// fields (the label), faint rib arcs over everything, film noise and blur.
/// </summary>
/// <remarks>
/// Intensities follow radiographic convention (dense = bright). Ribs are drawn over the lungs on
/// purpose: on a real film they cross the lung fields, which stay labelled lung.
/// In a sequence the lungs breathe: they stretch downwards (diaphragm) and the ribs rise.
/// </remarks>
internal sealed record ChestPhantom(
    int Size, double MidX, Blob Body, Blob Heart, Blob RightLung, Blob LeftLung,
    double RibTop, double RibSpacing, float[] Texture, double BreathPeriod, double BreathPhase) : IPhantom
{
    private const int RibCount = 9;

    public static ChestPhantom Draw(int size, Random rng)
    {
        double s = size;
        double mid = s * (0.5 + 0.02 * rng.Gaussian());
        var body = Blob.Draw(rng, mid, s * 0.58, s * rng.Uniform(0.45, 0.5), s * 0.62, 0, 0.02);
        var heart = Blob.Draw(rng, mid + s * 0.05, s * rng.Uniform(0.62, 0.67), s * rng.Uniform(0.13, 0.16), s * 0.11, 0.3, 0.05);
        // Radiological convention: the patient's right lung is on the image's left, and a bit larger.
        var right = Blob.Draw(rng, mid - s * rng.Uniform(0.2, 0.23), s * rng.Uniform(0.42, 0.48),
            s * rng.Uniform(0.115, 0.14), s * rng.Uniform(0.27, 0.31), rng.Uniform(-0.14, -0.03), 0.06);
        var left = Blob.Draw(rng, mid + s * rng.Uniform(0.2, 0.23), s * rng.Uniform(0.42, 0.48),
            s * rng.Uniform(0.105, 0.13), s * rng.Uniform(0.25, 0.3), rng.Uniform(0.03, 0.14), 0.06);
        float[] texture = Raster.SmoothNoise(size, s / 64.0, rng);
        return new ChestPhantom(size, mid, body, heart, right, left,
            s * rng.Uniform(0.12, 0.16), s * rng.Uniform(0.065, 0.075), texture,
            rng.Uniform(60, 120), rng.Uniform(0, 2 * Math.PI));
    }

    public IPhantom At(double frame)
    {
        // Subtracting the value at frame 0 makes At(0) the scene exactly as drawn.
        double breath = Math.Sin(2 * Math.PI * frame / BreathPeriod + BreathPhase) - Math.Sin(BreathPhase);
        double stretch = 1 + 0.04 * breath;
        return this with
        {
            RightLung = Breathe(RightLung, stretch),
            LeftLung = Breathe(LeftLung, stretch),
            RibTop = RibTop - 0.01 * Size * breath,
        };
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
                double body = Body.Level(x, y);
                if (body >= 1) { image[i] = 0.05f; continue; }
                // Thinner tissue near the body outline absorbs less, so the edges fade.
                double v = 0.42 + 0.2 * Math.Sqrt(1 - body * body) + 0.05 * y / n;
                if (Heart.Level(x, y) < 1) v = 0.8;
                double spine = Math.Abs(x - MidX) / (0.035 * n);
                if (spine < 1) v += 0.12 * (1 - spine * spine) * (0.85 + 0.15 * Math.Cos(2 * Math.PI * y / (0.075 * n)));
                double lung = Math.Min(RightLung.Level(x, y), LeftLung.Level(x, y));
                if (lung < 1)
                {
                    mask[i] = 1;
                    // Lung density rises towards the pleura; vessels give a faint texture.
                    v = 0.18 + 0.07 * y / n + 0.1 * Math.Max(0, lung - 0.8) / 0.2 + 0.025 * Texture[i];
                }
                v += 0.09 * Rib(x, y);
                image[i] = (float)v;
            }
        }
        Raster.Blur(image, n, 0.7 * n / 128.0);
        for (int i = 0; i < image.Length; i++) image[i] += (float)(0.018 * noise.Gaussian());
        return new LabeledImage(id, Raster.ToImage(image, n), Raster.ToMask(mask, n));
    }

    private static Blob Breathe(Blob lung, double stretch) =>
        // The apex stays put and the base moves: shift down by the half-growth of the long axis.
        lung with { B = lung.B * stretch, Y = lung.Y + lung.B * (stretch - 1) };

    private double Rib(double x, double y)
    {
        double dx = Math.Abs(x - MidX);
        if (dx < 0.04 * Size || dx > 0.44 * Size) return 0;
        double half = 0.012 * Size;
        // Only the two ribs whose centre lines bracket y can reach it; the rest are many widths away.
        double bend = -0.35 * dx + 1.6 * dx * dx / Size;
        int nearest = (int)Math.Floor((y - RibTop - bend) / RibSpacing);
        double best = 0;
        for (int k = Math.Max(nearest, 0); k <= Math.Min(nearest + 1, RibCount - 1); k++)
        {
            // Posterior ribs: rise a little leaving the spine, then sweep down laterally.
            double d = (y - (RibTop + k * RibSpacing + bend)) / half;
            best = Math.Max(best, Math.Exp(-d * d));
        }
        return best;
    }
}
