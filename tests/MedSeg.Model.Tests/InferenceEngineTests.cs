using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class InferenceEngineTests
{
    private static UNet TrainedLookingNet(bool bilinear = false)
    {
        manual_seed(11);
        var net = new UNet(new UNetOptions { ClassNames = ["background", "a", "b"], Depth = 2, BaseWidth = 4,
                                             Upsampling = bilinear ? Upsampling.Bilinear : Upsampling.Transposed });
        // Give batch norm non-trivial running statistics, as training would.
        net.train();
        using (no_grad())
            for (int i = 0; i < 5; i++) net.forward(randn(4, 1, 32, 32) * 3 + 1).Dispose();
        net.eval();
        return net;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchNormFolding_SameOutputsAsEvalModel(bool bilinear)
    {
        using var net = TrainedLookingNet(bilinear);
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
    public void Infer_MatchesPlainForwardPass()
    {
        using var net = TrainedLookingNet();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        using var x = randn(3, 1, 32, 32);
        byte[] expected;
        using (var logits = net.forward(x))
            expected = logits.argmax(1).to_type(ScalarType.Byte).data<byte>().ToArray();

        using var engine = new InferenceEngine(net, info, new InferenceEngineOptions { MaxBatch = 4, Device = "cpu" });
        var labels = new byte[3 * 32 * 32];
        var fg = new float[3 * 32 * 32];
        engine.Infer(x.data<float>().ToArray(), 3, labels, fg);
        Assert.Equal(expected, labels);
        Assert.All(fg, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(3, engine.Description.ClassNames.Count);
        Assert.Equal("cpu", engine.Description.Device);
    }

    [Fact]
    public void Infer_BatchLargerThanMax_Throws()
    {
        using var net = TrainedLookingNet();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        using var engine = new InferenceEngine(net, info, new InferenceEngineOptions { MaxBatch = 2, Device = "cpu", Warmup = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Infer(new float[3 * 1024], 3, new byte[3 * 1024], []));
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
