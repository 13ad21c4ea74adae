using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;
using OpenCvSharp;
using Scalar = OpenCvSharp.Scalar;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class NativeResolutionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-native-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Evaluate_NativeMasks_ScoresAtTheMasksOwnSize()
    {
        // 16×16 mask with rows 0..4 foreground (80 px); the network sees 8×8, where nearest
        // sampling keeps rows 1 and 3 (16 of 64 px). A model that says "foreground" everywhere
        // scores Dice 2·80/(80+256) at native size and 2·16/(16+64) at the network's size.
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        Directory.CreateDirectory(Path.Combine(_dir, "masks"));
        using (var image = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(100)))
            Cv2.ImWrite(Path.Combine(_dir, "images", "a.png"), image);
        using (var mask = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(0)))
        {
            mask.RowRange(0, 5).SetTo(Scalar.All(255));
            Cv2.ImWrite(Path.Combine(_dir, "masks", "a.png"), mask);
        }
        var data = new PairedFolderDataset(_dir);
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });
        var native = new PreparedDataset(data, [0], pre, keepNativeMasks: true);
        var resized = new PreparedDataset(data, [0], pre);
        using var model = AlwaysForeground();

        var atNative = Evaluator.Evaluate(model, native, CPU, 0.5, LossKind.BceDice, 1, data.ClassNames);
        var atInput = Evaluator.Evaluate(model, resized, CPU, 0.5, LossKind.BceDice, 1, data.ClassNames);

        Assert.Equal(2.0 * 80 / (80 + 256), atNative.Summary.MeanDice, 6);
        Assert.Equal(2.0 * 16 / (16 + 64), atInput.Summary.MeanDice, 6);
    }

    [Fact]
    public void LabelsAt_ResamplesProbabilitiesNotLabels()
    {
        // Two pixels at 0.4 and 0.9 (labels 0 and 1), upsampled ×4 with centres aligned: output i
        // samples source x = (i + 0.5) / 4 − 0.5, where p = 0.4 + 0.5·x (clamped); p > 0.5 from
        // x > 0.2, i.e. i ≥ 3. Labels resampled by nearest neighbour would split 4 / 4.
        using var scope = NewDisposeScope();
        var p = tensor(new[] { 0.4f, 0.9f }, [1, 1, 2]);

        byte[] labels = ProbabilityDecoder.LabelsAt(p, 8, 1, 0.5);

        Assert.Equal(new byte[] { 0, 0, 0, 1, 1, 1, 1, 1 }, labels);
    }

    private static UNet AlwaysForeground()
    {
        var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, ClassNames = ["background", "foreground"] });
        using (no_grad())
        {
            foreach (var (name, param) in model.named_parameters())
            {
                param.zero_();
            }
            var last = model.parameters().Last();
            using var five = 5.ToScalar();
            last.fill_(five);
        }
        return model;
    }
}
