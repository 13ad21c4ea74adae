using MedSeg.Core.Inference;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>Class ids at another size from a probability tensor, by <see cref="ProbabilityLabels"/> (the code `score` and tiled streaming use too).</summary>
public static class ProbabilityDecoder
{
    /// <summary>
    /// Resamples probabilities [K,h,w] bilinearly (pixel centres aligned, as OpenCV's resize) to
    /// <paramref name="width"/> × <paramref name="height"/> and decodes them there.
    /// </summary>
    public static byte[] LabelsAt(Tensor probabilities, int width, int height, double threshold)
    {
        int k = (int)probabilities.shape[0], h = (int)probabilities.shape[1], w = (int)probabilities.shape[2];
        using var scope = NewDisposeScope();
        var cpu = probabilities.cpu().contiguous();
        return ProbabilityLabels.LabelsAt(cpu.data<float>().ToArray(), k, w, h, width, height, threshold);
    }
}
