namespace MedSeg.Core.Inference;

/// <summary>
/// Where sliding windows go and how much each pixel of a window counts (nnU-Net's sliding-window
/// prediction): one geometry for the TorchSharp tiler `eval` and `train` use and the managed tiler
/// `stream` uses (<see cref="TiledEngine"/>), so both cut and weigh a frame the same way.
/// </summary>
public static class SlidingWindows
{
    /// <summary>nnU-Net's default: windows overlap by half.</summary>
    public const double DefaultOverlap = 0.5;
    /// <summary>nnU-Net's default: the Gaussian's sigma is an eighth of the patch.</summary>
    public const double DefaultSigmaScale = 1.0 / 8;

    /// <summary>
    /// Window start offsets along one axis of <paramref name="size"/> pixels (compute_steps_for_sliding_window):
    /// the fewest steps at most patch × (1 − overlap) apart, spread evenly so the last window ends at the border.
    /// </summary>
    public static int[] Starts(int size, int patch, double overlap)
    {
        if (size <= patch) return [0];
        double step = patch * (1 - overlap);
        int steps = (int)Math.Ceiling((size - patch) / step) + 1;
        double actual = (double)(size - patch) / (steps - 1);
        return Enumerable.Range(0, steps).Select(i => (int)Math.Round(actual * i)).ToArray();
    }

    /// <summary>The importance map: a Gaussian of sigma = patch × scale, peak 1, zeros lifted to the smallest positive value.</summary>
    public static float[] Gaussian(int h, int w, double sigmaScale)
    {
        var map = new float[h * w];
        double sy = h * sigmaScale, sx = w * sigmaScale, cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        float min = float.MaxValue;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double dy = (y - cy) / sy, dx = (x - cx) / sx;
                float v = (float)Math.Exp(-0.5 * (dy * dy + dx * dx));
                map[y * w + x] = v;
                if (v > 0 && v < min) min = v;
            }
        }
        for (int i = 0; i < map.Length; i++) if (map[i] == 0) map[i] = min;
        return map;
    }
}
