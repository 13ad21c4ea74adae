namespace MedSeg.Core.Inference;

/// <summary>
/// Class ids from probabilities: threshold for one foreground channel, argmax over K channels
/// otherwise; and the same after resampling the probabilities to another size. One decoding for
/// validation, `eval`, `score` and tiled streaming, so their labels cannot disagree.
/// </summary>
public static class ProbabilityLabels
{
    /// <param name="probabilities">K planes of labels.Length values, channel-major.</param>
    /// <param name="foreground">receives P(not background) per pixel; may be empty.</param>
    public static void Decode(ReadOnlySpan<float> probabilities, int k, double threshold, Span<byte> labels, Span<float> foreground)
    {
        int plane = labels.Length;
        if (probabilities.Length != k * plane) throw new ArgumentException($"needs {k}×{plane} probabilities, got {probabilities.Length}", nameof(probabilities));
        bool fg = !foreground.IsEmpty;
        if (k == 1)
        {
            for (int p = 0; p < plane; p++)
            {
                float v = probabilities[p];
                if (fg) foreground[p] = v;
                labels[p] = v > threshold ? (byte)1 : (byte)0;
            }
            return;
        }
        for (int p = 0; p < plane; p++)
        {
            int best = 0;
            float bestValue = probabilities[p];
            for (int c = 1; c < k; c++)
            {
                float v = probabilities[c * plane + p];
                if (v > bestValue) (best, bestValue) = (c, v);
            }
            labels[p] = (byte)best;
            if (fg) foreground[p] = 1 - probabilities[p];
        }
    }

    /// <summary>Resamples K probability planes bilinearly (<see cref="ProbabilityResize"/>) to
    /// <paramref name="toWidth"/> × <paramref name="toHeight"/> and decodes them there.</summary>
    public static byte[] LabelsAt(ReadOnlySpan<float> probabilities, int k, int width, int height, int toWidth, int toHeight, double threshold)
    {
        var resized = new float[k * toWidth * toHeight];
        ProbabilityResize.Bilinear(probabilities, k, width, height, resized, toWidth, toHeight);
        var labels = new byte[toWidth * toHeight];
        Decode(resized, k, threshold, labels, default);
        return labels;
    }
}
