using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>Turns logits into labels: sigmoid + threshold for binary heads, softmax + argmax otherwise.</summary>
public static class Heads
{
    /// <returns>uint8 labels [N,H,W] and float foreground probability [N,H,W].</returns>
    public static (Tensor Labels, Tensor Foreground) Decode(Tensor logits, double threshold)
    {
        if (logits.shape[1] == 1)
        {
            var p = functional.sigmoid(logits).squeeze(1);
            // A using local, not gt(threshold): the Scalar must outlive the native call (HeldScalars).
            using var t = threshold.ToScalar();
            return (p.gt(t).to_type(ScalarType.Byte), p);
        }
        var soft = functional.softmax(logits, 1);
        var labels = soft.argmax(1).to_type(ScalarType.Byte);
        // 1 − p(background), spelled as TorchSharp's `1 - x` computes it but with held Scalars.
        var fg = soft.select(1, 0).neg().add(HeldScalars.One, HeldScalars.One);
        return (labels, fg);
    }
}
