using MedSeg.Core.Inference;

namespace MedSeg.Core.Recording;

/// <summary>
/// A recorded prediction at another size, from its 8-bit foreground probabilities: dequantised,
/// resampled bilinearly to the reference's size and thresholded there (<see cref="ProbabilityLabels"/>,
/// the code `eval` uses), so `score` scores at each mask's own size as `eval` does.
/// </summary>
/// <remarks>
/// Only binary sessions qualify: a session keeps P(foreground) alone, so the argmax over several
/// classes cannot be redone; multi-class frames keep nearest-neighbour label resampling. A frame
/// whose labels are not the thresholded probabilities on their own grid (postprocessing — largest
/// component, hole filling — changed them, or another threshold was used) keeps its labels too:
/// the probabilities would undo what the session showed. One quantisation step either side of
/// the threshold is tolerated.
/// </remarks>
public static class RecordedProbabilities
{
    /// <returns>false when the frame's probabilities cannot stand for its labels; <paramref name="target"/> is then untouched.</returns>
    public static bool TryLabelsAt(FrameRecord frame, int classes, double threshold, Span<byte> target, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (classes != 2 || !frame.HasProbabilities || frame.Probabilities is null || !frame.HasLabels || frame.Labels is null) return false;
        int plane = frame.MaskWidth * frame.MaskHeight;
        if (plane == 0 || frame.Probabilities.Length < plane || frame.Labels.Length < plane) return false;
        ReadOnlySpan<byte> q = frame.Probabilities.AsSpan(0, plane), labels = frame.Labels.AsSpan(0, plane);
        double cut = threshold * 255;
        var p = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            bool above = q[i] > cut;
            if ((labels[i] != 0) != above && Math.Abs(q[i] - cut) > 1) return false;
            p[i] = q[i] / 255f;
        }
        ProbabilityLabels.LabelsAt(p, 1, frame.MaskWidth, frame.MaskHeight, width, height, threshold).CopyTo(target);
        return true;
    }
}
