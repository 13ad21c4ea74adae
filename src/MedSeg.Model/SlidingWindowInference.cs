using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Class probabilities of images larger than the network's patch, from overlapping windows
/// weighted by a Gaussian (nnU-Net's sliding-window prediction): centre pixels, which saw the
/// most context, count more than the window's edges.
/// </summary>
/// <remarks>
/// Inputs: a forward function (logits [N,K,h,w] for an [N,C,h,w] window — or, with
/// <c>givesProbabilities</c>, the probabilities themselves, as an engine's do) and preprocessed
/// images [N,C,H,W]. Outputs: probabilities [N,K,H,W] (sigmoid for one logit channel, softmax otherwise).
/// Options: patch size, overlap (nnU-Net: 0.5), Gaussian sigma as a share of the patch (1/8).
/// Memory: the importance map and the Scalars are held by the instance; per call one canvas, one
/// sum and one weight tensor of the image's size. Not thread-safe (shared Scalars).
/// Notes: an image no larger than the patch is padded with zeros to one window, whose weights
/// cancel, so the result equals whole-image inference. Window starts follow nnU-Net's
/// compute_steps_for_sliding_window: the fewest steps with at most patch × (1 − overlap) apart,
/// spread evenly so the last window ends at the border.
/// </remarks>
public sealed class SlidingWindowInference : IDisposable
{
    private readonly Tensor _importance;
    private readonly Scalar _one = 1.ToScalar();

    public SlidingWindowInference(int patchHeight, int patchWidth, double overlap = 0.5, double sigmaScale = 1.0 / 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patchWidth, 1);
        if (overlap is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "must be in [0, 1)");
        if (!(sigmaScale > 0)) throw new ArgumentOutOfRangeException(nameof(sigmaScale), sigmaScale, "must be > 0");
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
        Overlap = overlap;
        _importance = torch.tensor(Gaussian(patchHeight, patchWidth, sigmaScale), [1, 1, patchHeight, patchWidth]);
    }

    public int PatchHeight { get; }
    public int PatchWidth { get; }
    public double Overlap { get; }

    /// <summary>Window start offsets along one axis of <paramref name="size"/> pixels.</summary>
    public static int[] Starts(int size, int patch, double overlap)
    {
        if (size <= patch) return [0];
        double step = patch * (1 - overlap);
        int steps = (int)Math.Ceiling((size - patch) / step) + 1;
        double actual = (double)(size - patch) / (steps - 1);
        return Enumerable.Range(0, steps).Select(i => (int)Math.Round(actual * i)).ToArray();
    }

    /// <param name="givesProbabilities">forward already returns probabilities (an engine's <c>InferProbabilities</c>), not logits.</param>
    public Tensor Probabilities(Func<Tensor, Tensor> forward, Tensor images, bool givesProbabilities = false)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4) throw new ArgumentException($"images must be [N,C,H,W], got [{string.Join(",", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        long n = images.shape[0], c = images.shape[1];
        int h = (int)images.shape[2], w = (int)images.shape[3];
        int ch = Math.Max(h, PatchHeight), cw = Math.Max(w, PatchWidth);
        Tensor canvas = images;
        if (ch != h || cw != w)
        {
            canvas = zeros([n, c, ch, cw], images.dtype, images.device);
            canvas[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, h), TensorIndex.Slice(0, w)].copy_(images);
        }
        var importance = _importance.to(images.device);
        Tensor? sum = null;
        var weight = zeros([1, 1, ch, cw], ScalarType.Float32, images.device);
        foreach (int y in Starts(ch, PatchHeight, Overlap))
        {
            foreach (int x in Starts(cw, PatchWidth, Overlap))
            {
                var rows = TensorIndex.Slice(y, y + PatchHeight);
                var cols = TensorIndex.Slice(x, x + PatchWidth);
                var output = forward(canvas[TensorIndex.Colon, TensorIndex.Colon, rows, cols]);
                var p = givesProbabilities ? output : Heads.Probabilities(output);
                sum ??= zeros([n, p.shape[1], ch, cw], ScalarType.Float32, images.device);
                sum[TensorIndex.Colon, TensorIndex.Colon, rows, cols].add_(p.mul(importance), _one);
                weight[TensorIndex.Colon, TensorIndex.Colon, rows, cols].add_(importance, _one);
            }
        }
        var result = sum!.div(weight)[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, h), TensorIndex.Slice(0, w)].contiguous();
        return result.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _importance.Dispose();
        _one.Dispose();
    }

    /// <summary>nnU-Net's importance map: a Gaussian of sigma = patch × scale, peak-normalised, zeros lifted to the smallest positive value.</summary>
    private static float[] Gaussian(int h, int w, double sigmaScale)
    {
        var map = new float[h * w];
        double sy = h * sigmaScale, sx = w * sigmaScale, cy = (h - 1) / 2.0, cx = (w - 1) / 2.0;
        float min = float.MaxValue;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double dy = (y - cy) / sy, dx = (x - cx) / sx;
                float v = (float)Math.Exp(-0.5 * (dy * dy + dx * dx));
                map[y * w + x] = v;
                if (v > 0 && v < min) min = v;
            }
        }
        for (int i = 0; i < map.Length; i++) if (map[i] == 0) map[i] = min;
        return map;
    }
}
