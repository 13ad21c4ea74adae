using MedSeg.Cli.Engines;
using MedSeg.Core.Inference;
using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;

namespace MedSeg.Cli.Tests.Engines;

/// <summary>
/// Validation on ONNX Runtime must report what validation on the training module reports: the
/// same seed trains the same weights (validation draws nothing from the training's random
/// numbers), so every epoch's validation loss and Dice agree, whole images and sliding windows.
/// </summary>
[Collection("console")]
public sealed class OnnxValidationEnginesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-onnxval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TrainOptions Tiny(string name, int? patch) => new()
    {
        Data = "synthetic:lesion?n=20&size=64&seed=5",
        OutDir = Path.Combine(_dir, name),
        Epochs = 3,
        BatchSize = 4,
        LearningRate = 3e-3,
        Model = new UNetOptions { Depth = 2, BaseWidth = 4 },
        Preprocess = new PreprocessOptions { Width = 64, Height = 64 },
        Augment = AugmentOptions.None,
        Patch = patch,
        Patience = 0,
        Threads = 1,
    };

    [Theory]
    [InlineData(null)]
    [InlineData(32)]
    public void Validation_OnOnnxRuntime_MatchesTheModule(int? patch)
    {
        var counting = new CountingEngines(new OnnxValidationEngines(threads: 1));
        var module = Trainer.TrainModel(Tiny($"module-{patch}", patch), NullTrainingObserver.Instance, CancellationToken.None);
        var onnx = Trainer.TrainModel(Tiny($"onnx-{patch}", patch), NullTrainingObserver.Instance, CancellationToken.None, counting);

        Assert.Equal(3, counting.Opened);
        Assert.All(counting.Windows, w => Assert.Equal(patch, w));
        Assert.Equal(module.History.Count, onnx.History.Count);
        for (int i = 0; i < module.History.Count; i++)
        {
            var (a, b) = (module.History[i], onnx.History[i]);
            Assert.Equal(a.TrainLoss, b.TrainLoss, 5);
            Assert.True(Math.Abs(a.ValDice - b.ValDice) < 1e-3, $"epoch {a.Epoch}: val Dice {a.ValDice:F5} on the module, {b.ValDice:F5} on ONNX Runtime");
            Assert.True(Math.Abs(a.ValLoss - b.ValLoss) < 1e-3, $"epoch {a.Epoch}: val loss {a.ValLoss:F5} on the module, {b.ValLoss:F5} on ONNX Runtime");
        }
        Assert.Equal(module.BestEpoch, onnx.BestEpoch);
    }

    private sealed class CountingEngines(IValidationEngines inner) : IValidationEngines
    {
        public int Opened { get; private set; }
        public List<int?> Windows { get; } = [];

        public ISegmentationEngine? Open(UNet model, CheckpointInfo info, int? window, int maxBatch)
        {
            Opened++;
            Windows.Add(window);
            return inner.Open(model, info, window, maxBatch);
        }
    }
}
