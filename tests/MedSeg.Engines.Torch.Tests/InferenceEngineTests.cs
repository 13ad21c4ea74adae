using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Tests;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch.Tests;

/// <summary>The TorchSharp engine against the plain forward pass of the same network.</summary>
public sealed class InferenceEngineTests
{
    [Fact]
    public void Infer_MatchesPlainForwardPass()
    {
        using var net = TrainedLookingNets.ThreeClass();
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
        using var net = TrainedLookingNets.ThreeClass();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        using var engine = new InferenceEngine(net, info, new InferenceEngineOptions { MaxBatch = 2, Device = "cpu", Warmup = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Infer(new float[3 * 1024], 3, new byte[3 * 1024], []));
    }
}
