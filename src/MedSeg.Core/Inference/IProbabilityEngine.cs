namespace MedSeg.Core.Inference;

/// <summary>An engine that can hand out class probabilities, not only labels: what a tiler needs to average overlapping windows.</summary>
public interface IProbabilityEngine : ISegmentationEngine
{
    /// <param name="input">batch × C × H × W floats, already preprocessed.</param>
    /// <param name="probabilities">batch × K × H × W out, K = <see cref="ModelContract.OutputChannels"/>
    /// (P(foreground) for a binary head, softmax per class otherwise), channel-major per frame.</param>
    void InferProbabilities(ReadOnlySpan<float> input, int batch, Span<float> probabilities);
}
