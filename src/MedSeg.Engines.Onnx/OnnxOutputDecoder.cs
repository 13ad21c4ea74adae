using MedSeg.Core.Inference;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// Labels and foreground probability from a probs or logits output, as the project's own head
/// computes them: one channel → sigmoid (logits only), label = p > threshold, foreground = p;
/// several → softmax (logits only), label = argmax (first on ties), foreground = 1 − P(background).
/// </summary>
internal static class OnnxOutputDecoder
{
    public static void Decode(ReadOnlySpan<float> output, int frames, int classes, int plane, TensorLayout layout, OutputHead head,
                              float threshold, Span<byte> labels, Span<float> foreground)
    {
        bool logits = head == OutputHead.Logits, wantFg = !foreground.IsEmpty;
        // Element (frame n, class k, pixel i): NCHW n·K·P + k·P + i; NHWC n·P·K + i·K + k.
        int classStride = layout == TensorLayout.Nhwc ? 1 : plane, pixelStride = layout == TensorLayout.Nhwc ? classes : 1;
        for (int n = 0; n < frames; n++)
        {
            var frame = output.Slice(n * classes * plane, classes * plane);
            int o = n * plane;
            for (int i = 0; i < plane; i++)
            {
                int at = i * pixelStride;
                if (classes == 1)
                {
                    float v = frame[at];
                    float p = logits ? 1f / (1f + MathF.Exp(-v)) : v;
                    labels[o + i] = p > threshold ? (byte)1 : (byte)0;
                    if (wantFg) foreground[o + i] = p;
                    continue;
                }
                int best = 0;
                float max = frame[at];
                for (int k = 1; k < classes; k++)
                {
                    float v = frame[at + k * classStride];
                    if (v > max) (max, best) = (v, k);
                }
                labels[o + i] = (byte)best;
                if (!wantFg) continue;
                if (!logits)
                {
                    foreground[o + i] = 1f - frame[at];
                    continue;
                }
                float sum = 0;
                for (int k = 0; k < classes; k++) sum += MathF.Exp(frame[at + k * classStride] - max);
                foreground[o + i] = 1f - MathF.Exp(frame[at] - max) / sum;
            }
        }
    }

    /// <summary>Class probabilities [frames, K, plane] (NCHW) from a probs or logits output in either layout.</summary>
    public static void Probabilities(ReadOnlySpan<float> output, int frames, int classes, int plane, TensorLayout layout, OutputHead head, Span<float> probabilities)
    {
        int classStride = layout == TensorLayout.Nhwc ? 1 : plane, pixelStride = layout == TensorLayout.Nhwc ? classes : 1;
        bool logits = head == OutputHead.Logits;
        for (int n = 0; n < frames; n++)
        {
            var frame = output.Slice(n * classes * plane, classes * plane);
            var dst = probabilities.Slice(n * classes * plane, classes * plane);
            for (int i = 0; i < plane; i++)
            {
                int at = i * pixelStride;
                if (!logits)
                {
                    for (int k = 0; k < classes; k++) dst[k * plane + i] = frame[at + k * classStride];
                    continue;
                }
                if (classes == 1)
                {
                    dst[i] = 1f / (1f + MathF.Exp(-frame[at]));
                    continue;
                }
                float max = frame[at];
                for (int k = 1; k < classes; k++) max = MathF.Max(max, frame[at + k * classStride]);
                float sum = 0;
                for (int k = 0; k < classes; k++) sum += MathF.Exp(frame[at + k * classStride] - max);
                for (int k = 0; k < classes; k++) dst[k * plane + i] = MathF.Exp(frame[at + k * classStride] - max) / sum;
            }
        }
    }
}
