using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Tests;
using MedSeg.Model.Training;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch.Tests;

/// <summary>
/// The TorchSharp engine in bf16 against fp32 on the same weights. Built directly, so no CPU gate
/// applies: libtorch emulates bf16 where the CPU lacks it, and the arithmetic (hence the outputs)
/// is bf16 either way. Run alone: the nets and inputs come from libtorch's global generator
/// (manual_seed), which tests running beside them would advance.
/// </summary>
[Collection(nameof(BFloat16EngineTests))]
public sealed class BFloat16EngineTests
{
    [Fact]
    public void Bf16_ShippedBinaryModel_OnLesionImages_AgreesWithFp32()
    {
        var (model, info) = Checkpoint.Load(Path.Combine(RepoRoot(), "models", "lesion-unet16.ckpt"));
        using var _ = model;
        // Real decision boundaries: the trained model on images of the kind it was trained on.
        var data = DatasetFactory.Open($"synthetic:lesion?n=2&size={info.Preprocess.Width}&seed=7", null);
        using var pre = new Preprocessor(info.Preprocess);
        var prepared = new PreparedDataset(data, [0, 1], pre);
        float[] input = [.. prepared.Image(0), .. prepared.Image(1)];
        AssertAgrees(model, info, input, batch: 2, scripted: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Bf16_MultiClassModel_AgreesWithFp32(bool scripted)
    {
        using var net = TrainedLookingNets.ThreeClass();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        manual_seed(21);
        using var x = randn(3, 1, 32, 32) * 3 + 1;
        AssertAgrees(net, info, x.data<float>().ToArray(), batch: 3, scripted);
    }

    [Fact]
    public void Bf16_LeavesTheCallersModelInFp32()
    {
        using var net = TrainedLookingNets.ThreeClass();
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        // Folding is off, so without its own copy the engine would convert the caller's weights.
        using (var engine = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 1, Warmup = 0, BFloat16 = true, FoldBatchNorm = false }))
        {
            Assert.True(engine.IsBFloat16);
            Assert.Equal("cpu (bf16)", engine.Description.Device);
        }
        Assert.All(net.parameters(), static p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    /// <summary>≥ 99 % identical labels, probabilities within 2e-2 of fp32, and not bit-identical (bf16 really ran).</summary>
    private static void AssertAgrees(UNet model, CheckpointInfo info, float[] input, int batch, bool scripted)
    {
        int plane = info.Preprocess.Width * info.Preprocess.Height, k = model.Options.NumClasses == 2 ? 1 : model.Options.NumClasses;
        var (fp32, bf16) = (Run(model, info, input, batch, scripted, bf16: false), Run(model, info, input, batch, scripted, bf16: true));
        double same = fp32.Labels.Zip(bf16.Labels).Count(static p => p.First == p.Second) / (double)(batch * plane);
        Assert.True(same >= 0.99, $"{same:P2} of labels identical");
        Assert.Contains(fp32.Labels, static l => l != 0); // the comparison covers foreground, not an all-background image
        double fgDiff = fp32.Foreground.Zip(bf16.Foreground).Max(static p => Math.Abs(p.First - p.Second));
        double probDiff = fp32.Probabilities.Zip(bf16.Probabilities).Max(static p => Math.Abs(p.First - p.Second));
        Assert.Equal(batch * k * plane, bf16.Probabilities.Length);
        Assert.InRange(fgDiff, 1e-6, 2e-2);
        Assert.InRange(probDiff, 1e-6, 2e-2);
    }

    private static (byte[] Labels, float[] Foreground, float[] Probabilities) Run(UNet model, CheckpointInfo info, float[] input, int batch, bool scripted, bool bf16)
    {
        int plane = info.Preprocess.Width * info.Preprocess.Height, k = model.Options.NumClasses == 2 ? 1 : model.Options.NumClasses;
        using var engine = new InferenceEngine(model, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = batch, Warmup = 0, Scripted = scripted, BFloat16 = bf16 });
        Assert.Equal(bf16, engine.IsBFloat16);
        var (labels, fg, probs) = (new byte[batch * plane], new float[batch * plane], new float[batch * k * plane]);
        engine.Infer(input, batch, labels, fg);
        engine.InferProbabilities(input, batch, probs);
        return (labels, fg, probs);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedSeg.Realtime.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>No other test runs beside <see cref="BFloat16EngineTests"/> (the seeded global generator).</summary>
[CollectionDefinition(nameof(BFloat16EngineTests), DisableParallelization = true)]
public sealed class BFloat16EngineCollection;
