using MedSeg.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class SlidingWindowInferenceTests
{
    [Fact]
    public void Probabilities_ImageTheSizeOfThePatch_EqualsWholeImageInference()
    {
        torch.manual_seed(5);
        using var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, ClassNames = ["background", "a", "b"] });
        model.eval();
        using var windows = new SlidingWindowInference(32, 32);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = randn(2, 1, 32, 32);

        var tiled = windows.Probabilities(model.forward, x);
        var whole = Heads.Probabilities(model.forward(x));

        Assert.Equal(whole.shape, tiled.shape);
        Assert.True(whole.allclose(tiled, rtol: 1e-5, atol: 1e-6), $"max difference {(whole - tiled).abs().max().item<float>()}");
    }

    [Fact]
    public void Probabilities_PointwiseModelOnALargerImage_EqualsWholeImageInference()
    {
        // A 1×1 convolution sees no context, so every overlapping window must give each pixel the
        // same probability and the Gaussian average must return exactly it, edges included.
        torch.manual_seed(7);
        using var conv = nn.Conv2d(1, 3, 1);
        conv.eval();
        using var windows = new SlidingWindowInference(16, 16);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = randn(1, 1, 40, 52);

        var tiled = windows.Probabilities(conv.forward, x);
        var whole = Heads.Probabilities(conv.forward(x));

        Assert.Equal(new long[] { 1, 3, 40, 52 }, tiled.shape);
        Assert.True(whole.allclose(tiled, rtol: 1e-5, atol: 1e-6), $"max difference {(whole - tiled).abs().max().item<float>()}");
    }

    [Fact]
    public void Probabilities_WindowsNotSeeingTheSameThing_WeighTheirCentresMore()
    {
        // A "model" that answers the window's own mean everywhere: the tiled result mixes windows,
        // and a pixel on the image's left edge is decided by the leftmost window alone.
        using var windows = new SlidingWindowInference(8, 8);
        using var scope = NewDisposeScope();
        var x = arange(0f, 24f).reshape(1, 1, 1, 24).expand(1, 1, 8, 24).contiguous();
        Tensor MeanModel(Tensor w) => w.mean([2, 3], keepdim: true).expand(w.shape).contiguous();

        var p = windows.Probabilities(MeanModel, x);

        float left = p[0, 0, 4, 0].item<float>(), right = p[0, 0, 4, 23].item<float>();
        Assert.Equal(Sigmoid(3.5), left, 5);    // window 0..7 only, mean 3.5
        Assert.Equal(Sigmoid(19.5), right, 5);  // window 16..23 only
    }

    [Theory]
    [InlineData(100, 32, 0.5, new[] { 0, 14, 27, 41, 54, 68 })]
    [InlineData(32, 32, 0.5, new[] { 0 })]
    [InlineData(20, 32, 0.5, new[] { 0 })]
    [InlineData(64, 32, 0.5, new[] { 0, 16, 32 })]
    public void Starts_FollowNnUNetSteps_EndingAtTheBorder(int size, int patch, double overlap, int[] expected)
    {
        Assert.Equal(expected, SlidingWindowInference.Starts(size, patch, overlap));
    }

    private static float Sigmoid(double v) => (float)(1 / (1 + Math.Exp(-v)));
}
