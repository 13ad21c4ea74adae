using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>The TorchScript forward must be the eager U-Net + head, op for op, for every architecture it accepts.</summary>
public sealed class ScriptedUNetTests
{
    public static TheoryData<string[], Upsampling, int, double> Architectures => new()
    {
        { ["background", "lesion"], Upsampling.Transposed, 32, 0.0 },
        { ["background", "lesion"], Upsampling.Bilinear, 32, 0.0 },
        { ["background", "a", "b"], Upsampling.Transposed, 32, 0.0 },
        { ["background", "a", "b"], Upsampling.Bilinear, 32, 0.0 },
        // 34 is not a multiple of 2^depth: the decoder has to pad, as Up.forward does.
        { ["background", "lesion"], Upsampling.Transposed, 34, 0.0 },
        { ["background", "a", "b"], Upsampling.Bilinear, 34, 0.0 },
        // Dropout adds modules but no weights; in eval mode it is the identity.
        { ["background", "lesion"], Upsampling.Transposed, 32, 0.3 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Run_SameLabelsAndProbabilitiesAsEagerForward(string[] classes, Upsampling upsampling, int size, double dropout)
    {
        manual_seed(5);
        using var net = new UNet(new UNetOptions { ClassNames = classes, Depth = 2, BaseWidth = 4, BatchNorm = false, Upsampling = upsampling, Dropout = dropout });
        net.eval();
        using var script = new ScriptedUNet(net);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = randn(2, 1, size, size);
        var (eagerLabels, eagerFg) = Heads.Decode(net.forward(x), 0.5);
        var (labels, fg) = script.Run(script.Arguments(x, 0.5));

        Assert.Equal(eagerLabels.shape, labels.shape);
        Assert.Equal(ScalarType.Byte, labels.dtype);
        Assert.Equal(eagerLabels.data<byte>().ToArray(), labels.data<byte>().ToArray());
        double maxDiff = (eagerFg - fg).abs().max().item<float>();
        Assert.True(maxDiff <= 1e-6, $"foreground differs by {maxDiff}");
    }

    [Theory]
    [InlineData(Upsampling.Transposed)]
    [InlineData(Upsampling.Bilinear)]
    public void WeightNames_AreExactlyTheParametersOfABatchNormFreeModel(Upsampling upsampling)
    {
        // A module added to UNet without updating the script would leave a weight unread.
        var options = new UNetOptions { Depth = 3, BaseWidth = 4, BatchNorm = false, Upsampling = upsampling };
        using var net = new UNet(options);
        Assert.Equal(net.state_dict().Keys.Order(), ScriptedUNet.WeightNames(options).Order());
    }

    [Fact]
    public void Constructor_ModelWithBatchNorm_SaysToFoldIt()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4 });
        var e = Assert.Throws<ArgumentException>(() => new ScriptedUNet(net));
        Assert.Contains("fold", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Engine_ScriptedAndEager_GiveTheSameMasks()
    {
        manual_seed(8);
        using var net = new UNet(new UNetOptions { ClassNames = ["background", "lesion"], Depth = 2, BaseWidth = 4 });
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        float[] input = randn(3, 1, 32, 32).data<float>().ToArray();
        var (scriptedLabels, scriptedFg) = (new byte[3 * 1024], new float[3 * 1024]);
        var (eagerLabels, eagerFg) = (new byte[3 * 1024], new float[3 * 1024]);
        using (var scripted = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 4, Warmup = 1 }))
        {
            Assert.True(scripted.IsScripted);
            scripted.Infer(input, 3, scriptedLabels, scriptedFg);
            scripted.Infer(input, 3, scriptedLabels, scriptedFg);   // second call reuses the cached view and arguments
        }
        using (var eager = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 4, Warmup = 1, Scripted = false }))
        {
            Assert.False(eager.IsScripted);
            eager.Infer(input, 3, eagerLabels, eagerFg);
        }
        Assert.Equal(eagerLabels, scriptedLabels);
        Assert.Equal(eagerFg, scriptedFg);
    }

    [Fact]
    public void Engine_Scripted_AllocatesLittleManagedMemoryPerCall()
    {
        // The point of the script: eager TorchSharp allocates ~15 KB per U-Net call (a managed
        // Tensor per op); this bounds the steady state (bytes, not time, so it cannot flake on load).
        manual_seed(9);
        using var net = new UNet(new UNetOptions { Depth = 4, BaseWidth = 4 });
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        using var engine = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 2, Warmup = 2 });
        var input = new float[32 * 32];
        var (labels, fg) = (new byte[32 * 32], new float[32 * 32]);
        for (int i = 0; i < 3; i++) engine.Infer(input, 1, labels, fg);
        const int calls = 20;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) engine.Infer(input, 1, labels, fg);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Assert.True(perCall < 2048, $"{perCall} managed bytes per Infer call");
    }
}
