using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;
using OpenCvSharp;

namespace MedSeg.Model.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TrainOptions Tiny(string name, int epochs) => new()
    {
        Data = "synthetic:lesion?n=24&size=32&seed=3",
        OutDir = Path.Combine(_dir, name),
        Epochs = epochs,
        BatchSize = 4,
        LearningRate = 3e-3,
        Model = new UNetOptions { Depth = 2, BaseWidth = 4 },
        Preprocess = new PreprocessOptions { Width = 32, Height = 32 },
        Augment = AugmentOptions.None,
        Patience = 0,
        Threads = 2,
    };

    [Fact]
    public void TrainModel_FewEpochs_LossFalls()
    {
        var r = Trainer.TrainModel(Tiny("falls", 8) with { LearningRate = 1e-2 }, NullTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal(8, r.History.Count);
        Assert.True(r.History[^1].TrainLoss < 0.8 * r.History[0].TrainLoss,
            $"train loss {r.History[0].TrainLoss:F4} → {r.History[^1].TrainLoss:F4} did not fall");
    }

    [Fact]
    public void TrainModel_WritesCheckpointsSplitAndLog()
    {
        var o = Tiny("outputs", 2);
        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
        foreach (var f in new[] { "best.ckpt", "last.ckpt", "last.optim", "split.json", "log.csv", "log.json" })
            Assert.True(File.Exists(Path.Combine(o.OutDir, f)), $"{f} missing");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(o.OutDir, "log.csv")).Length); // header + 2 epochs
        var info = Checkpoint.ReadInfo(r.BestCheckpoint);
        Assert.Equal(["background", "lesion"], info.Model.ClassNames);
        Assert.Equal(o.Data, info.Dataset);
        Assert.Equal("val_dice", info.Metric);
        Assert.Equal(r.BestEpoch, info.Epoch);
        Assert.Equal(24, r.TrainCount + r.ValCount);
    }

    [Fact]
    public void TrainModel_Resume_ContinuesFromLastEpoch()
    {
        var o = Tiny("resume", 2);
        Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
        var r = Trainer.TrainModel(o with { Epochs = 4, Resume = Path.Combine(o.OutDir, "last.ckpt") },
                                   NullTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal([1, 2, 3, 4], r.History.Select(static h => h.Epoch));
        Assert.Equal(4, Checkpoint.ReadInfo(r.LastCheckpoint).Epoch);
    }

    [Fact]
    public void TrainModel_NoImprovement_StopsEarly()
    {
        // A learning rate this small cannot move the validation metric by MinDelta.
        var o = Tiny("early", 10) with { LearningRate = 1e-12, Patience = 2, MinDelta = 0.01 };
        var r = Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None);
        Assert.True(r.StoppedEarly);
        Assert.Equal(3, r.History.Count);
        Assert.Equal(1, r.BestEpoch);
    }

    [Fact]
    public void TrainModel_MaskMissing_StopsBeforeTrainingNamingTheFile_OrSkipsWithFlag()
    {
        string root = Path.Combine(_dir, "paired");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        for (int i = 0; i < 6; i++)
        {
            using var img = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(40 * (i % 3)));
            using var mask = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(0));
            Cv2.Rectangle(mask, new Rect(8, 8, 10, 10), Scalar.All(255), -1);
            Cv2.ImWrite(Path.Combine(root, "images", $"case{i}.png"), img);
            if (i != 4) Cv2.ImWrite(Path.Combine(root, "masks", $"case{i}.png"), mask);
        }
        var o = Tiny("bad", 1) with { Data = root };
        var e = Assert.Throws<BadDataException>(() => Trainer.TrainModel(o, NullTrainingObserver.Instance, CancellationToken.None));
        Assert.Single(e.Bad);
        Assert.Contains("case4", e.Bad[0].Source + e.Bad[0].Reason);
        Assert.False(File.Exists(Path.Combine(o.OutDir, "last.ckpt")), "training must not start");

        var r = Trainer.TrainModel(o with { SkipBad = true }, NullTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal(1, r.SkippedSamples);
        Assert.Equal(5, r.TrainCount + r.ValCount);
    }

    [Fact]
    public void TrainModel_MultiClassPairedFolder_UsesSoftmaxHeadAndCrossEntropy()
    {
        string root = Path.Combine(_dir, "multi");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        File.WriteAllLines(Path.Combine(root, "classes.txt"), ["background", "liver", "tumour"]);
        for (int i = 0; i < 8; i++)
        {
            using var img = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(30));
            using var mask = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(0));
            Cv2.Rectangle(img, new Rect(4 + i, 4, 12, 12), Scalar.All(120), -1);
            Cv2.Rectangle(mask, new Rect(4 + i, 4, 12, 12), Scalar.All(1), -1);
            Cv2.Circle(img, new Point(22, 24), 4, Scalar.All(230), -1);
            Cv2.Circle(mask, new Point(22, 24), 4, Scalar.All(2), -1);
            Cv2.ImWrite(Path.Combine(root, "images", $"s{i}.png"), img);
            Cv2.ImWrite(Path.Combine(root, "masks", $"s{i}.png"), mask);
        }
        var r = Trainer.TrainModel(Tiny("multi-run", 2) with { Data = root }, NullTrainingObserver.Instance, CancellationToken.None);
        var info = Checkpoint.ReadInfo(r.BestCheckpoint);
        Assert.Equal(["background", "liver", "tumour"], info.Model.ClassNames);
        Assert.Equal(3, info.Model.OutChannels);
        Assert.All(r.History, h => Assert.True(double.IsFinite(h.TrainLoss)));
    }
}
