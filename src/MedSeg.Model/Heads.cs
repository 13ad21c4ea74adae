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
            return (p.gt(threshold).to_type(ScalarType.Byte), p);
        }
        var soft = functional.softmax(logits, 1);
        var labels = soft.argmax(1).to_type(ScalarType.Byte);
        var fg = 1 - soft.select(1, 0);
        return (labels, fg);
    }

    /// <summary>Probabilities [N,K,H,W]: sigmoid of a single logit channel (K = 1, foreground), softmax otherwise.</summary>
    public static Tensor Probabilities(Tensor logits) =>
        logits.shape[1] == 1 ? functional.sigmoid(logits) : functional.softmax(logits, 1);
}
