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
                    // Weighted sums in OpenCV's (and torch's) order: rows first, then between them.
                    float w1 = fx[x], w0 = 1f - w1;
                    float t = top[x0[x]] * w0 + top[x1[x]] * w1;
                    float b = bottom[x0[x]] * w0 + bottom[x1[x]] * w1;
                    dst[y * toWidth + x] = t * (1f - wy) + b * wy;
                }
            }
        }
    }

    /// <summary>OpenCV's INTER_LINEAR coordinates (torch's for align_corners=false): src = (dst + ½)·scale − ½,
    /// computed in double and kept as float, clamped to the first and last pixel.</summary>
    private static void Axis(int size, int toSize, Span<int> i0, Span<int> i1, Span<float> frac)
    {
        double scale = (double)size / toSize;
        for (int d = 0; d < toSize; d++)
        {
            float s = (float)((d + 0.5) * scale - 0.5);
            int lo = (int)MathF.Floor(s);
            float f = s - lo;
            if (lo < 0) (lo, f) = (0, 0f);
            if (lo >= size - 1) (lo, f) = (size - 1, 0f);
            i0[d] = lo;
            i1[d] = Math.Min(lo + 1, size - 1);
            frac[d] = f;
        }
    }
}
