using MedSeg.Core.Inference;
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
/// cancel, so the result equals whole-image inference. Window starts and weights are
/// <see cref="SlidingWindows"/>', shared with the stream's <see cref="TiledEngine"/>.
/// </remarks>
public sealed class SlidingWindowInference : IDisposable
{
    private readonly Tensor _importance;
    private readonly Scalar _one = 1.ToScalar();

    public SlidingWindowInference(int patchHeight, int patchWidth, double overlap = SlidingWindows.DefaultOverlap, double sigmaScale = SlidingWindows.DefaultSigmaScale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patchWidth, 1);
        if (overlap is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(overlap), overlap, "must be in [0, 1)");
        if (!(sigmaScale > 0)) throw new ArgumentOutOfRangeException(nameof(sigmaScale), sigmaScale, "must be > 0");
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
        Overlap = overlap;
        _importance = torch.tensor(SlidingWindows.Gaussian(patchHeight, patchWidth, sigmaScale), [1, 1, patchHeight, patchWidth]);
    }

    public int PatchHeight { get; }
    public int PatchWidth { get; }
    public double Overlap { get; }

    /// <summary>Window start offsets along one axis of <paramref name="size"/> pixels (<see cref="SlidingWindows.Starts"/>).</summary>
    public static int[] Starts(int size, int patch, double overlap) => SlidingWindows.Starts(size, patch, overlap);

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
}
