using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class TrainerStepsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-steps-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class CountingObserver : ITrainingObserver
    {
        public List<int> BatchesPerEpoch { get; } = [];
        public List<string> Messages { get; } = [];
        public void Message(string text) => Messages.Add(text);
        public void PreparingStarted(string what, int total) { }
        public void PreparingProgress(int done) { }
        public void EpochStarted(int epoch, int epochs, int batches) => BatchesPerEpoch.Add(0);
        public void BatchDone(int batch, double loss) => BatchesPerEpoch[^1]++;
        public void EpochDone(EpochResult result) { }
    }

    private TrainOptions Tiny(string name) => new()
    {
        Data = "synthetic:lesion?n=10&size=32&seed=4",
        OutDir = Path.Combine(_dir, name),
        BatchSize = 4,
        Model = new UNetOptions { Depth = 2, BaseWidth = 4 },
        Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
        Augment = AugmentOptions.None,
        Patience = 0,
        Threads = 2,
    };

    [Fact]
    public void TrainModel_StepsPerEpochOnTenImages_RunsExactlyThatManyStepsEachEpoch()
    {
        // 8 training images at batch 4 would be 2 steps per pass; the epoch is 5 steps regardless.
        var observer = new CountingObserver();

        var r = Trainer.TrainModel(Tiny("steps") with { Epochs = 3, StepsPerEpoch = 5, Schedule = LrSchedule.Poly, WarmupSteps = 3 },
                                   observer, CancellationToken.None);

        Assert.Equal([5, 5, 5], observer.BatchesPerEpoch);
        Assert.Equal(3, r.History.Count);
        Assert.True(r.History[^1].LearningRate < r.History[0].LearningRate, "poly decay");
    }

    [Theory]
    [InlineData(1e-6, 3)]  // no time at all: half the plan from epoch 2 on
    [InlineData(1e6, 12)]  // all the time in the world: twice the plan
    public void TrainModel_TimeTarget_ReplansTheStepsOfTheEpochsLeft(double target, int after)
    {
        var observer = new CountingObserver();
        var o = Tiny("governed") with { Epochs = 3, StepsPerEpoch = 6, Schedule = LrSchedule.Poly, WarmupSteps = 2, TimeTargetSeconds = target };

        var r = Trainer.TrainModel(o, observer, CancellationToken.None);

        Assert.Equal([6, after, after], observer.BatchesPerEpoch);
        Assert.Contains(observer.Messages, m => m.StartsWith($"steps per epoch 6 → {after} for the last 2 epochs", StringComparison.Ordinal));
        Assert.True(r.History[^1].LearningRate < r.History[1].LearningRate, "poly decay over the new total");
    }

    [Fact]
    public void TrainModel_NoTimeTarget_KeepsThePlannedSteps()
    {
        var observer = new CountingObserver();
        Trainer.TrainModel(Tiny("fixed") with { Epochs = 2, StepsPerEpoch = 6 }, observer, CancellationToken.None);
        Assert.Equal([6, 6], observer.BatchesPerEpoch);
    }

    [Fact]
    public void TrainModel_PatchesSmallerThanTheInput_TrainAndValidateBySlidingWindows()
    {
        var o = Tiny("patch") with { Epochs = 1, StepsPerEpoch = 2, Patch = 16, ForegroundOversample = 0.5 };

        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.Equal(16, Checkpoint.ReadInfo(r.BestCheckpoint).Patch);
        Assert.InRange(r.History[0].ValDice, 0, 1);
    }

    [Fact]
    public void TrainModel_NothingImproves_NoEarlyStopBeforeTheSettleEpoch()
    {
        // A rate this small cannot move the metric, so patience 1 would stop at epoch 2 unsettled.
        var o = Tiny("settle") with { Epochs = 6, StepsPerEpoch = 1, LearningRate = 1e-12, Patience = 1, MinDelta = 0.01, SettleEpochs = 4, WarmupSteps = 2 };

        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.True(r.StoppedEarly);
        Assert.Equal(5, r.History.Count); // epoch 4 is the first candidate, epoch 5 the first without improvement
        Assert.Equal(4, r.BestEpoch);
        Assert.DoesNotContain(r.History, h => h.Best && h.Epoch < 4);
    }

    [Fact]
    public void TrainModel_EndsBeforeSettling_BestIsTheLastEpoch()
    {
        var o = Tiny("unsettled") with { Epochs = 2, StepsPerEpoch = 1, SettleEpochs = 5 };
        var observer = new CountingObserver();

        var r = Trainer.TrainModel(o, observer, CancellationToken.None);

        Assert.Equal(2, r.BestEpoch);
        Assert.True(File.Exists(r.BestCheckpoint));
        Assert.Contains(observer.Messages, m => m.Contains("settle epoch"));
    }

    [Fact]
    public void TrainModel_FinalRefit_RunsTheSelectedStepsOnAllSamplesIntoBest()
    {
        // 10 images, 8 train / 2 val; epoch 2 of 3 is made the best by a settle epoch of 2 and a
        // delta no later epoch can beat, so the refit must run 2 × 3 steps on all 10.
        var observer = new CountingObserver();
        var o = Tiny("refit") with { Epochs = 3, StepsPerEpoch = 3, SettleEpochs = 2, MinDelta = 10, Final = FinalFit.Refit, Metric = SelectionMetric.Dice };

        var r = Trainer.TrainModel(o, observer, CancellationToken.None);

        Assert.Equal(2, r.BestEpoch);
        Assert.Equal((6, 10), (r.RefitSteps, r.RefitSamples));
        Assert.Equal([3, 3, 3, 3, 3], observer.BatchesPerEpoch); // 3 validated epochs, then 2 refit epochs
        Assert.Equal(3, r.History.Count);                         // the run's own log stays the validated run's
        var refitLog = TrainingLog.ReadJson(Path.Combine(o.OutDir, "refit"));
        Assert.Equal(2, refitLog.Count);
        Assert.All(refitLog, row => Assert.True(double.IsNaN(row.ValDice)));
        Assert.Equal(FinalRefit.Marker, Checkpoint.ReadInfo(r.BestCheckpoint).Metric);
        Assert.Equal(2, Checkpoint.ReadInfo(Path.Combine(o.OutDir, "validated.ckpt")).Epoch);
        Assert.NotEqual(Checkpoint.Hash(r.BestCheckpoint), Checkpoint.Hash(Path.Combine(o.OutDir, "validated.ckpt")));
    }

    [Fact]
    public void TrainModel_ResumedAfterARefit_ValidatedCheckpointStaysTheValidatedPick()
    {
        // Epoch 1 is selected and nothing later can beat it, so after the resume best.ckpt holds
        // the first run's refit: it must not be taken for the validated pick.
        var o = Tiny("resume-refit") with { Epochs = 2, StepsPerEpoch = 2, SettleEpochs = 1, MinDelta = 10, Final = FinalFit.Refit };
        Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
        string validated = Path.Combine(o.OutDir, "validated.ckpt");
        string before = Checkpoint.Hash(validated);

        var r = Trainer.TrainModel(o with { Epochs = 3, Resume = Path.Combine(o.OutDir, "last.ckpt") }, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.Equal((1, 2), (r.BestEpoch, r.RefitSteps));
        Assert.Equal(3, r.History.Count);
        Assert.Equal(before, Checkpoint.Hash(validated));
        Assert.NotEqual(FinalRefit.Marker, Checkpoint.ReadInfo(validated).Metric);
        Assert.Equal(FinalRefit.Marker, Checkpoint.ReadInfo(r.BestCheckpoint).Metric);
    }

    [Fact]
    public void TrainModel_RealColin27Slices_LossFalls()
    {
        // Real data: 12 axial slices of the Colin27 T1 (Debian mricron-data), brain mask = ch2bet > 0.
        const string t = "/usr/share/mricron/templates";
        var o = Tiny("colin27") with
        {
            Data = $"nifti-pair:{t}/ch2.nii.gz?labels={t}/ch2bet.nii.gz&threshold=0&slices=84-95&block=3",
            Preprocess = new PreprocessOptions { Width = 64, Height = 64 },
            Epochs = 6, StepsPerEpoch = 3, LearningRate = 1e-2,
        };

        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.True(r.History[^1].TrainLoss < 0.8 * r.History[0].TrainLoss,
            $"train loss {r.History[0].TrainLoss:F4} → {r.History[^1].TrainLoss:F4} did not fall");
    }
}
