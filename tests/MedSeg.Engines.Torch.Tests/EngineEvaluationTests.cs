using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch.Tests;

/// <summary>Evaluation through an engine (`eval --engine`) scores exactly as evaluation of the model itself.</summary>
public sealed class EngineEvaluationTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Evaluate_EngineWithSlidingWindows_SameScoresAsTheModel(int classCount)
    {
        string[] classes = [.. Enumerable.Range(0, classCount).Select(static i => i == 0 ? "background" : $"c{i}")];
        // 48² images, a model of 16² patches: both paths blend 3×3 Gaussian-weighted windows, the
        // engine's prepared for the patch (Window), at native mask resolution (56² masks).
        manual_seed(4);
        using var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, ClassNames = classes });
        model.eval();
        var info = new CheckpointInfo { Model = model.Options, Preprocess = new PreprocessOptions { Width = 48, Height = 48 }, Patch = 16 };
        // Lesion masks (ids 0 and 1) serve the three-class model too: its scores cover a class no pixel has.
        var data = DatasetFactory.Open("synthetic:lesion?n=3&size=56&seed=2", null);
        using var pre = new Preprocessor(info.Preprocess);
        var prepared = new PreparedDataset(data, [0, 1, 2], pre, keepNativeMasks: true);
        using var windows = new SlidingWindowInference(16, 16);
        var lossKind = Losses.DefaultFor(model.Options);

        var expected = Evaluator.Evaluate(model, prepared, CPU, 0.5, lossKind, 2, classes, hd95: true, windows: windows);
        using var engine = new InferenceEngine(model, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 2, Warmup = 0, Window = 16, FoldBatchNorm = false });
        Assert.Equal(16, engine.Contract.Height);
        var actual = Evaluator.Evaluate(engine, prepared, 0.5, lossKind, 2, classes, hd95: true, windows: windows);

        Assert.Equal(expected.Images.Count, actual.Images.Count);
        foreach (var (e, a) in expected.Images.Zip(actual.Images))
            Assert.Equal(e.Classes.Select(static c => c.Dice), a.Classes.Select(static c => c.Dice));
        Assert.Equal(expected.Loss, actual.Loss, 3);
    }
}
