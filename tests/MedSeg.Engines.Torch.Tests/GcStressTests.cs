using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Tests;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch.Tests;

/// <summary>
/// The TorchSharp engine, scripted and eager, while <see cref="ForcedCollections"/> collects and
/// finalizes without pause: before issue 10 was fixed the script's float argument (a temporary
/// Scalar) was freed while libtorch read it within ~150 calls. One torch thread: libtorch's
/// spinning workers would otherwise starve the collecting thread on 2 cores.
/// </summary>
public sealed class GcStressTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InferenceEngine_UnderForcedCollections_GivesTheSameLabelsEveryCall(bool scripted)
    {
        using var engine = new InferenceEngine(TrainedLookingNet(2), Info(2),
                                               new InferenceEngineOptions { MaxBatch = 2, Device = "cpu", Scripted = scripted, Threads = 1 });
        Assert.Equal(scripted, engine.IsScripted);
        var input = Input(2);
        var expectedLabels = new byte[2 * 32 * 32];
        var expectedFg = new float[2 * 32 * 32];
        engine.Infer(input, 2, expectedLabels, expectedFg);
        var labels = new byte[expectedLabels.Length];
        var fg = new float[expectedFg.Length];
        using var gc = new ForcedCollections();
        for (int i = 0; i < (scripted ? 1000 : 3000); i++)
        {
            engine.Infer(input, 2, labels, fg);
            Assert.Equal(expectedLabels, labels);
            Assert.Equal(expectedFg, fg);
        }
    }

    private static CheckpointInfo Info(int classes) => new()
    {
        Model = Options(classes),
        Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
    };

    private static UNetOptions Options(int classes) => new()
    {
        ClassNames = [.. Enumerable.Range(0, classes).Select(i => $"c{i}")],
        Depth = 2,
        BaseWidth = 4,
    };

    private static UNet TrainedLookingNet(int classes)
    {
        manual_seed(11);
        var net = new UNet(Options(classes));
        net.train();
        using (no_grad())
            for (int i = 0; i < 3; i++) net.forward(randn(4, 1, 32, 32) * 3 + 1).Dispose();
        net.eval();
        return net;
    }

    private static float[] Input(int batch)
    {
        var x = new float[batch * 32 * 32];
        for (int i = 0; i < x.Length; i++) x[i] = (i * 37 % 101) / 100f;
        return x;
    }
}
