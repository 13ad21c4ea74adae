using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Planning;
using MedSeg.Model.Training;
using OpenCvSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class ClassOffsetTunerTests : IDisposable
{
    private static readonly string[] Three = ["background", "tissue", "nucleus"];
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-offsets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A 16×16 image: the left half class 1, a 4×4 block class 2, the rest background. Class 2's
    /// pixels rank it second to background at <paramref name="rare"/> against 0.5, so plain
    /// arg-max never predicts it although no other pixel gives it more than 0.1.
    /// </summary>
    private static ScoredProbabilities Image(string id, float rare)
    {
        const int n = 16, plane = n * n;
        var p = new float[3 * plane];
        var truth = new byte[plane];
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            int i = y * n + x;
            byte t = x < n / 2 ? (byte)1 : x >= 10 && x < 14 && y >= 6 && y < 10 ? (byte)2 : (byte)0;
            truth[i] = t;
            (float bg, float c1, float c2) = t switch { 1 => (0.1f, 0.8f, 0.1f), 2 => (0.5f, 1 - 0.5f - rare, rare), _ => (0.8f, 0.1f, 0.1f) };
            p[i] = bg;
            p[plane + i] = c1;
            p[2 * plane + i] = c2;
        }
        return new ScoredProbabilities(id, p, 3, truth, n, n);
    }

    [Fact]
    public void Choose_RareClassRankedSecond_RaisesItsOffsetUntilItIsPredicted()
    {
        var tuner = new ClassOffsetTuner(Three, SelectionMetric.Dice);
        tuner.Add(Image("a", rare: 0.4f));
        tuner.Add(Image("b", rare: 0.35f));

        var c = tuner.Choose();

        // Predicted once log p₂ + b > log p₀ on its block (b > log(0.5 / 0.35) ≈ 0.36) and
        // background still wins elsewhere (b < log(0.8 / 0.1) ≈ 2.08).
        Assert.True(c.Changed);
        Assert.Equal(0, c.Offsets[0]);
        Assert.Equal(0, c.Offsets[1]);
        Assert.InRange(c.Offsets[2], 0.36, 2.08);
        Assert.Equal(1.0, c.Score, 6);
        Assert.True(c.CurrentScore < 0.8, $"plain arg-max scored {c.CurrentScore}");
        Assert.Contains("nucleus +", c.Describe());
    }

    [Fact]
    public void Choose_ArgMaxAlreadyRight_KeepsEveryOffsetAtZero()
    {
        var right = Image("b", rare: 0.45f);
        // Class 2 wins its block outright: swap the block's background and class-2 probabilities.
        for (int i = 0; i < 256; i++)
            if (right.Truth[i] == 2) (right.Probabilities[i], right.Probabilities[512 + i]) = (right.Probabilities[512 + i], right.Probabilities[i]);
        var only = new ClassOffsetTuner(Three, SelectionMetric.Iou);
        only.Add(right);

        var c = only.Choose();

        Assert.False(c.Changed);
        Assert.Equal(c.CurrentScore, c.Score);
        Assert.StartsWith("class offsets stay 0", c.Describe());
    }

    [Fact]
    public void Tuner_RefusesBinaryHeadsWrongPlanesAndAnEmptySet()
    {
        Assert.Throws<ArgumentException>(() => new ClassOffsetTuner(["background", "lesion"], SelectionMetric.Dice));
        Assert.Throws<InvalidOperationException>(() => new ClassOffsetTuner(Three, SelectionMetric.Dice).Choose());
        var tuner = new ClassOffsetTuner(Three, SelectionMetric.Dice);
        Assert.Throws<ArgumentException>(() => tuner.Add(new ScoredProbabilities("two", new float[32], 2, new byte[16], 4, 4)));
        Assert.Throws<ArgumentException>(() => tuner.Add(new ScoredProbabilities("short", new float[40], 3, new byte[16], 4, 4)));
    }

    [Fact]
    public void Add_LargeImage_KeepsABoundedSubGrid()
    {
        const int n = 1024;
        var p = new float[3 * n * n];
        Array.Fill(p, 1f / 3);
        var tuner = new ClassOffsetTuner(Three, SelectionMetric.Dice);

        tuner.Add(new ScoredProbabilities("big", p, 3, new byte[n * n], n, n));

        Assert.Equal(1, tuner.Count);
        Assert.False(tuner.Choose().Changed); // all background, all ties: arg-max picks background, as the decoder does
    }

    [Fact]
    public void FoldInto_ShiftsTheLogitsByTheOffsets()
    {
        using var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, ClassNames = Three });
        model.eval();
        using var x = randn(1, 1, 16, 16);
        using var before = model.forward(x);
        double[] offsets = [0, -0.5, 1.25];

        ClassOffsetTuner.FoldInto(model, offsets);
        using var after = model.forward(x);

        using var shift = tensor(offsets.Select(static o => (float)o).ToArray()).reshape(1, 3, 1, 1);
        using var expected = before + shift;
        Assert.True(after.allclose(expected, rtol: 0, atol: 1e-5));
        Assert.Throws<ArgumentException>(() => ClassOffsetTuner.FoldInto(model, [0, 1]));
    }

    [Theory]
    [InlineData(2, false)] // a binary head has a threshold instead
    [InlineData(3, true)]
    [InlineData(5, true)]
    public void Plan_TunesClassOffsetsOfSoftmaxHeads(int classes, bool expected)
    {
        var f = new Imaging.Datasets.DatasetFingerprint(24, 128, 128, 128, 128, 128, 128, 1, "8-bit", 0, 255, 0, 0.5, 1, 0.5, 0.2,
            Enumerable.Range(0, classes).Select(c => c == 0 ? 0.8 : 0.2 / (classes - 1)).ToArray(), 0.2, 1, 3, null);
        var plan = Planner.Plan(f, new PlannerOptions(), new ConstantTimer());
        Assert.Equal(expected, plan.TuneClassOffsets);
        Assert.Equal(expected, plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" }).TuneClassOffsets);
        Assert.Equal(expected, plan.As(plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" })).TuneClassOffsets);
    }

    private sealed class ConstantTimer : IStepTimer
    {
        public double SecondsPerStep(int width, int height, int batch, int channels, int classes) => 0.5;
        public double InferenceMs(int width, int height, int patch, int channels, int classes) => 10;
    }

    [Fact]
    public void TrainModel_TuneClassOffsets_FoldsTheChoiceIntoBestCheckpointOnly()
    {
        string root = Path.Combine(_dir, "multi");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        File.WriteAllLines(Path.Combine(root, "classes.txt"), Three);
        for (int i = 0; i < 10; i++)
        {
            using var img = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(30));
            using var mask = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(0));
            Cv2.Rectangle(img, new Rect(4 + i, 4, 12, 12), Scalar.All(120), -1);
            Cv2.Rectangle(mask, new Rect(4 + i, 4, 12, 12), Scalar.All(1), -1);
            Cv2.Circle(img, new Point(22, 24), 2, Scalar.All(140), -1); // small, and close to class 1 in intensity
            Cv2.Circle(mask, new Point(22, 24), 2, Scalar.All(2), -1);
            Cv2.ImWrite(Path.Combine(root, "images", $"s{i}.png"), img);
            Cv2.ImWrite(Path.Combine(root, "masks", $"s{i}.png"), mask);
        }
        var o = new TrainOptions
        {
            Data = root, OutDir = Path.Combine(_dir, "tuned"), Epochs = 3, BatchSize = 4, LearningRate = 3e-3,
            Model = new UNetOptions { Depth = 2, BaseWidth = 4 }, Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
            Augment = AugmentOptions.None, Patience = 0, Threads = 2, TuneClassOffsets = true,
        };

        var tuned = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
        var plain = Trainer.TrainModel(o with { OutDir = Path.Combine(_dir, "plain"), TuneClassOffsets = false }, NullTrainingObserver.Instance, CancellationToken.None);

        Assert.Null(plain.ClassOffsets);
        var c = tuned.ClassOffsets!;
        Assert.NotNull(c);
        Assert.True(c.Score >= c.CurrentScore, $"chosen offsets scored {c.Score} below plain arg-max's {c.CurrentScore}");
        // The same seeded run with and without the tuning: best.ckpt's output bias differs by exactly the offsets.
        Assert.Equal(plain.BestEpoch, tuned.BestEpoch);
        float[] Bias(string ckpt)
        {
            var (m, _) = Checkpoint.Load(ckpt);
            using (m) return m.get_parameter("outc.conv.bias").data<float>().ToArray();
        }
        float[] withOffsets = Bias(tuned.BestCheckpoint), without = Bias(plain.BestCheckpoint);
        for (int k = 0; k < 3; k++) Assert.Equal(without[k] + c.Offsets[k], withOffsets[k], 5);
        Assert.Equal(Bias(plain.LastCheckpoint), Bias(tuned.LastCheckpoint)); // last.ckpt is for --resume, untouched
    }
}
