using MedSeg.Core.Inference;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// An engine as the forward function evaluation and <see cref="SlidingWindowInference"/> call:
/// images [N,C,h,w] (CPU) in, class probabilities [N,K,h,w] out, in chunks of the engine's
/// MaxBatch. The window (or image) must be the size the engine was prepared for.
/// </summary>
public static class EngineProbabilities
{
    public static Func<Tensor, Tensor> For(ISegmentationEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var probabilities = engine as IProbabilityEngine
            ?? throw new ArgumentException($"{engine.Description.Device} engine gives no class probabilities, which evaluation needs", nameof(engine));
        var c = engine.Contract;
        return images =>
        {
            long n = images.shape[0];
            if (images.shape[1] != c.Channels || images.shape[2] != c.Height || images.shape[3] != c.Width)
                throw new ArgumentException($"the engine takes {c.Channels}×{c.Height}×{c.Width} inputs, not [{string.Join(",", images.shape)}]", nameof(images));
            int frameIn = c.Channels * c.Height * c.Width, frameOut = c.OutputChannels * c.Height * c.Width;
            float[] input = images.contiguous().data<float>().ToArray();
            var output = new float[n * frameOut];
            for (int first = 0; first < n; first += engine.MaxBatch)
            {
                int b = (int)Math.Min(engine.MaxBatch, n - first);
                probabilities.InferProbabilities(input.AsSpan(first * frameIn, b * frameIn), b, output.AsSpan(first * frameOut, b * frameOut));
            }
            return tensor(output, [n, c.OutputChannels, c.Height, c.Width]);
        };
    }
}
