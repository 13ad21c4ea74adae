namespace MedSeg.Core.Inference;

/// <summary>
/// An engine that can also give the class probabilities themselves, not only labels: what
/// evaluation needs to blend sliding windows and to resample predictions to a mask's native
/// resolution before deciding labels (<c>medseg eval --engine</c>). Streaming never uses it.
/// </summary>
public interface IClassProbabilities
{
    /// <param name="input">batch × C × H × W floats, already preprocessed.</param>
    /// <param name="batch">number of frames in <paramref name="input"/> (1 … MaxBatch).</param>
    /// <param name="probabilities">batch × K × H × W out (NCHW), K = <see cref="ModelContract.OutputChannels"/>:
    /// P(foreground) for a binary model, else the softmax over the classes.</param>
    void InferProbabilities(ReadOnlySpan<float> input, int batch, Span<float> probabilities);
}
