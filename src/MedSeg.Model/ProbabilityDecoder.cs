using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>
/// Class ids from probabilities on the CPU: threshold for one foreground channel, argmax over K
/// channels otherwise; and the same after resampling the probabilities to another size.
/// </summary>
public static class ProbabilityDecoder
{
    /// <param name="probabilities">K planes of labels.Length values, channel-major.</param>
    /// <param name="foreground">receives P(not background) per pixel.</param>
    public static void Decode(ReadOnlySpan<float> probabilities, int k, double threshold, Span<byte> labels, Span<float> foreground)
    {
        int plane = labels.Length;
        if (probabilities.Length != k * plane) throw new ArgumentException($"needs {k}×{plane} probabilities, got {probabilities.Length}", nameof(probabilities));
        if (k == 1)
        {
            for (int p = 0; p < plane; p++)
            {
                float v = probabilities[p];
                foreground[p] = v;
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
            foreground[p] = 1 - probabilities[p];
        }
    }

    /// <summary>
    /// Resamples probabilities [K,h,w] bilinearly (pixel centres aligned, as OpenCV's resize) to
    /// <paramref name="width"/> × <paramref name="height"/> and decodes them there.
    /// </summary>
    public static byte[] LabelsAt(Tensor probabilities, int width, int height, double threshold)
    {
        using var scope = NewDisposeScope();
        int k = (int)probabilities.shape[0];
        var resized = functional.interpolate(probabilities.unsqueeze(0), size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        float[] values = resized.cpu().data<float>().ToArray();
        var labels = new byte[width * height];
        var foreground = new float[labels.Length];
        Decode(values, k, threshold, labels, foreground);
        return labels;
    }
}
