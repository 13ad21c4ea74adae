namespace MedSeg.Core.Inference;

/// <summary>What a segmentation graph's output holds.</summary>
public enum OutputHead
{
    /// <summary>Two outputs: uint8 class ids [N,H,W] and float foreground probability [N,H,W].</summary>
    Labels,
    /// <summary>Class probabilities [N,K,H,W] (sigmoid for one channel, softmax otherwise).</summary>
    Probs,
    /// <summary>Raw logits [N,K,H,W]; the engine applies sigmoid / softmax.</summary>
    Logits,
}
