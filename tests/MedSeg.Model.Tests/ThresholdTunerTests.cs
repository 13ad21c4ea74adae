using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Planning;
using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class ThresholdTunerTests : IDisposable
{
    private static readonly string[] Binary = ["background", "lesion"];
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-threshold-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 16×16 image: the left half is foreground with probability <paramref name="fg"/>, the right half background with <paramref name="bg"/>, a quarter of it at <paramref name="hardBg"/>.</summary>
    private static ScoredForeground Image(string id, float fg, float bg, float hardBg)
    {
        const int n = 16;
        var p = new float[n * n];
        var truth = new byte[n * n];
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            int i = y * n + x;
            truth[i] = x < n / 2 ? (byte)1 : (byte)0;
            p[i] = x < n / 2 ? fg : y < n / 4 ? hardBg : bg;
        }
        return new ScoredForeground(id, p, truth, n, n);
    }

    [Fact]
    public void Choose_OverconfidentBackground_MovesTheThresholdAboveIt()
    {
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Dice, 0.5);
        // Background pixels at 0.62 are false positives at 0.5; the foreground sits at 0.8.
        tuner.Add(Image("a", fg: 0.8f, bg: 0.1f, hardBg: 0.62f));
        tuner.Add(Image("b", fg: 0.85f, bg: 0.2f, hardBg: 0.6f));

        var c = tuner.Choose();

        Assert.True(c.Changed);
        Assert.InRange(c.Threshold, 0.65, 0.75);
        Assert.Equal(1.0, c.Score, 6);
        Assert.True(c.CurrentScore < 0.9, $"at 0.5 the hard background should cost Dice, got {c.CurrentScore}");
        Assert.Equal(c.Candidates.Count, c.Scores.Count);
        Assert.Contains("chosen on the validation split", c.Describe());
    }

    [Fact]
    public void Choose_UnderconfidentForeground_MovesTheThresholdBelowIt()
    {
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Iou, 0.5);
        tuner.Add(Image("a", fg: 0.38f, bg: 0.05f, hardBg: 0.05f));

        var c = tuner.Choose();

        Assert.InRange(c.Threshold, 0.05, 0.35);
        Assert.Equal("IoU", c.Metric);
        Assert.Equal(0.0, c.CurrentScore, 6); // nothing is foreground at 0.5
    }

    [Fact]
    public void Choose_CalibratedHead_KeepsTheCurrentThreshold()
    {
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Dice, 0.5);
        tuner.Add(Image("a", fg: 0.97f, bg: 0.02f, hardBg: 0.03f));

        var c = tuner.Choose();

        Assert.False(c.Changed);
        Assert.Equal(0.5, c.Threshold);
        Assert.Contains("stays 0.5", c.Describe());
    }

    [Fact]
    public void Choose_GainBelowMinimum_KeepsTheCurrentThreshold()
    {
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Dice, 0.5);
        // One false-positive pixel at 0.55 in one of three images: above it Dice gains (1 − 256/257) / 3 ≈ 0.0013.
        var img = Image("a", fg: 0.9f, bg: 0.1f, hardBg: 0.1f);
        img.Probability[15] = 0.55f;
        tuner.Add(img);
        tuner.Add(Image("b", fg: 0.9f, bg: 0.1f, hardBg: 0.1f));
        tuner.Add(Image("c", fg: 0.9f, bg: 0.1f, hardBg: 0.1f));

        var c = tuner.Choose();

        double gain = c.Scores.Max() - c.CurrentScore;
        Assert.InRange(gain, 1e-9, ThresholdTuner.MinGain);
        Assert.False(c.Changed);
    }

    [Fact]
    public void Choose_CurrentOffTheGrid_IsScoredToo()
    {
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Dice, 0.42);
        tuner.Add(Image("a", fg: 0.97f, bg: 0.02f, hardBg: 0.03f));
        var c = tuner.Choose();
        Assert.Contains(0.42, c.Candidates);
        Assert.Equal(0.42, c.Threshold);
    }

    [Fact]
    public void Tuner_RefusesMultiClassHeadsAndAnEmptyCurve()
    {
        Assert.Throws<ArgumentException>(() => new ThresholdTuner(["background", "a", "b"], SelectionMetric.Dice, 0.5));
        Assert.Throws<InvalidOperationException>(() => new ThresholdTuner(Binary, SelectionMetric.Dice, 0.5).Choose());
        var tuner = new ThresholdTuner(Binary, SelectionMetric.Dice, 0.5);
        Assert.Throws<ArgumentException>(() => tuner.Add(new ScoredForeground("bad", new float[10], new byte[16], 4, 4)));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)] // arg-max decoding has no threshold
    public void Plan_TunesTheThresholdOfBinaryHeadsOnly(int classes, bool expected)
    {
        var f = new Imaging.Datasets.DatasetFingerprint(24, 128, 128, 128, 128, 128, 128, 1, "8-bit", 0, 255, 0, 0.5, 1, 0.5, 0.2,
            Enumerable.Range(0, classes).Select(c => c == 0 ? 0.8 : 0.2 / (classes - 1)).ToArray(), 0.2, 1, 3, null);
        var plan = Planner.Plan(f, new PlannerOptions(), new ConstantTimer());
        Assert.Equal(expected, plan.TuneThreshold);
        Assert.Equal(expected, plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" }).TuneThreshold);
    }

    private sealed class ConstantTimer : IStepTimer
    {
        public double SecondsPerStep(int width, int height, int batch, int channels, int classes) => 0.5;
        public double InferenceMs(int width, int height, int patch, int channels, int classes) => 10;
    }

    [Fact]
    public void TrainModel_TuneThreshold_WritesTheChosenThresholdIntoBestCheckpoint()
    {
        var o = new TrainOptions
        {
            Data = "synthetic:lesion?n=24&size=32&seed=3", OutDir = Path.Combine(_dir, "tuned"), Epochs = 3, BatchSize = 4, LearningRate = 3e-3,
            Model = new UNetOptions { Depth = 2, BaseWidth = 4 }, Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
            Augment = AugmentOptions.None, Patience = 0, Threads = 2, TuneThreshold = true,
        };

        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.NotNull(r.Threshold);
        var c = r.Threshold!;
        Assert.True(c.Score >= c.CurrentScore, $"chosen {c.Threshold} scored {c.Score} below the current {c.CurrentScore}");
        Assert.Equal(c.Threshold, Checkpoint.ReadInfo(r.BestCheckpoint).Threshold);
        Assert.Equal(0.5, Checkpoint.ReadInfo(r.LastCheckpoint).Threshold); // last.ckpt is for --resume, untouched

        var fixedRun = Trainer.TrainModel(o with { OutDir = Path.Combine(_dir, "fixed"), TuneThreshold = false, Threshold = 0.3 }, NullTrainingObserver.Instance, CancellationToken.None);
        Assert.Null(fixedRun.Threshold);
        Assert.Equal(0.3, Checkpoint.ReadInfo(fixedRun.BestCheckpoint).Threshold);
    }
}
