namespace MedSeg.Core.Inference;

/// <summary>
/// Bilinear resampling of probability planes with pixel centres aligned (torch's interpolate with
/// align_corners=false, OpenCV's INTER_LINEAR): scores at a mask's own size come from resampled
/// probabilities, never from resampled labels, in `eval`, `train`'s validation and `score` alike.
/// </summary>
public static class ProbabilityResize
{
    /// <param name="source">K planes of <paramref name="width"/> × <paramref name="height"/>, channel-major.</param>
    /// <param name="target">K planes of <paramref name="toWidth"/> × <paramref name="toHeight"/>.</param>
    public static void Bilinear(ReadOnlySpan<float> source, int k, int width, int height, Span<float> target, int toWidth, int toHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toHeight);
        int plane = width * height, toPlane = toWidth * toHeight;
        if (source.Length != k * plane) throw new ArgumentException($"source has {source.Length} values, not {k}×{width}×{height}", nameof(source));
        if (target.Length != k * toPlane) throw new ArgumentException($"target has {target.Length} values, not {k}×{toWidth}×{toHeight}", nameof(target));
        Span<int> x0 = new int[toWidth], x1 = new int[toWidth];
        Span<float> fx = new float[toWidth];
        Axis(width, toWidth, x0, x1, fx);
        Span<int> y0 = new int[toHeight], y1 = new int[toHeight];
        Span<float> fy = new float[toHeight];
        Axis(height, toHeight, y0, y1, fy);
        for (int c = 0; c < k; c++)
        {
            var src = source.Slice(c * plane, plane);
            var dst = target.Slice(c * toPlane, toPlane);
            for (int y = 0; y < toHeight; y++)
            {
                var top = src.Slice(y0[y] * width, width);
                var bottom = src.Slice(y1[y] * width, width);
                float wy = fy[y];
                for (int x = 0; x < toWidth; x++)
                {
                    float t = top[x0[x]] + (top[x1[x]] - top[x0[x]]) * fx[x];
                    float b = bottom[x0[x]] + (bottom[x1[x]] - bottom[x0[x]]) * fx[x];
                    dst[y * toWidth + x] = t + (b - t) * wy;
                }
            }
        }
    }

    /// <summary>torch's area_pixel_compute_source_index for linear modes: src = (dst + ½)·scale − ½, clamped at 0.</summary>
    private static void Axis(int size, int toSize, Span<int> i0, Span<int> i1, Span<float> frac)
    {
        float scale = (float)size / toSize;
        for (int d = 0; d < toSize; d++)
        {
            float s = Math.Max(0f, (d + 0.5f) * scale - 0.5f);
            int lo = Math.Min((int)s, size - 1);
            i0[d] = lo;
            i1[d] = Math.Min(lo + 1, size - 1);
            frac[d] = s - lo;
        }
    }
}
