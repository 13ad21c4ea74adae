using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>
/// Every repeated TorchSharp path (training steps with batch norm and Adam, the validation pass,
/// heads, losses; the inference engine's in MedSeg.Engines.Torch.Tests) run while <see cref="ForcedCollections"/>
/// collects and finalizes without pause. Before issue 10 was fixed each of these failed within a
/// few hundred iterations: a temporary Scalar (TorchSharp's BatchNorm counting batches, Adam's
/// step, <c>x.gt(threshold)</c>, the script's float argument) was freed while libtorch read it.
/// One torch thread: libtorch's spinning workers would otherwise starve the collecting thread on
/// 2 cores. The counts are set so that the old code failed in most runs (its Adam and batch norm
/// within the first epochs, the script within ~150 calls) while the class stays short.
/// </summary>
public sealed class GcStressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-gcstress-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainModel_UnderForcedCollections_Completes()
    {
        var o = new TrainOptions
        {
            Data = "synthetic:lesion?n=40&size=32&seed=5",
            OutDir = Path.Combine(_dir, "train"),
            Epochs = 60, // 8 steps and one validation pass per epoch
            BatchSize = 4,
            Model = new UNetOptions { Depth = 2, BaseWidth = 4 },
            Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
            Augment = AugmentOptions.None,
            Patience = 0,
            Threads = 1,
        };
        TrainingResult r;
        using (var gc = new ForcedCollections())
        {
            r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
            Assert.True(gc.Collections > 10, $"only {gc.Collections} forced collections ran");
        }
        Assert.Equal(60, r.History.Count);
        Assert.All(r.History, e => Assert.True(double.IsFinite(e.TrainLoss) && double.IsFinite(e.ValLoss), $"epoch {e.Epoch}: {e.TrainLoss} / {e.ValLoss}"));
    }

    [Fact]
    public void HeadsAndLosses_UnderForcedCollections_GiveTheSameValuesEveryCall()
    {
        manual_seed(3);
        using var binaryLogits = randn(2, 1, 16, 16);
        using var binaryTarget = randint(0, 2, [2, 1, 16, 16]).to_type(ScalarType.Float32);
        using var multiLogits = randn(2, 3, 16, 16);
        using var multiTarget = randint(0, 3, [2, 16, 16]);
        LossKind[] binaryKinds = [LossKind.Bce, LossKind.Dice, LossKind.BceDice];
        LossKind[] multiKinds = [LossKind.CrossEntropy, LossKind.Dice, LossKind.CrossEntropyDice];
        double[] Run()
        {
            using var scope = NewDisposeScope();
            var values = new List<double>();
            foreach (var k in binaryKinds) values.Add(Losses.Compute(k, binaryLogits, binaryTarget).item<float>());
            foreach (var k in multiKinds) values.Add(Losses.Compute(k, multiLogits, multiTarget).item<float>());
            foreach (var logits in new[] { binaryLogits, multiLogits })
            {
                var (labels, fg) = Heads.Decode(logits, 0.5);
                values.Add(labels.to_type(ScalarType.Int64).sum().item<long>());
                values.Add(fg.sum().item<float>());
            }
            return [.. values];
        }
        double[] expected = Run();
        using var gc = new ForcedCollections();
        for (int i = 0; i < 3000; i++) Assert.Equal(expected, Run());
    }
}
