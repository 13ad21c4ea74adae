using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>What the engines build on: batch-norm folding, device selection, the FLOP count.</summary>
public sealed class InferenceSupportTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchNormFolding_SameOutputsAsEvalModel(bool bilinear)
    {
        using var net = TrainedLookingNets.ThreeClass(bilinear);
        using var folded = BatchNormFolding.Fold(net);
        Assert.False(folded.Options.BatchNorm);
        Assert.DoesNotContain(folded.named_buffers(), b => b.name.Contains("running_mean", StringComparison.Ordinal));
        using var x = randn(2, 1, 32, 32);
        using var a = net.forward(x);
        using var b = folded.forward(x);
        double maxDiff = (a - b).abs().max().item<float>();
        Assert.True(maxDiff < 1e-4, $"folded model differs by {maxDiff}");
    }

    [Fact]
    public void Select_CudaWithoutGpu_IsAnErrorNotAFallback()
    {
        if (cuda.is_available()) return; // on a GPU machine the request is valid
        var e = Assert.Throws<ArgumentException>(() => TorchDevice.Select("cuda"));
        Assert.Contains("CUDA", e.Message);
    }

    [Fact]
    public void GflopPerFrame_Base16At256_MatchesPublishedFigure()
    {
        // Issue 3 states 6.03 GFLOP per 256×256 frame for the base-16 U-Net (depth 4, 1 in, 1 out).
        double g = ModelFlops.GflopPerFrame(new UNetOptions { BaseWidth = 16, Depth = 4 }, 256, 256);
        Assert.InRange(g, 6.0, 6.06);
        // Cost scales with pixels.
        Assert.Equal(g / 4, ModelFlops.GflopPerFrame(new UNetOptions { BaseWidth = 16, Depth = 4 }, 128, 128), 6);
    }
}
