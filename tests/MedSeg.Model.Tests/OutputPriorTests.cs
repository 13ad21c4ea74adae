using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;
using OpenCvSharp;
using Scalar = OpenCvSharp.Scalar;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class OutputPriorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-prior-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Biases_Binary_IsTheForegroundLogit()
    {
        float[] b = OutputPrior.Biases([0.8, 0.2], binary: true);

        Assert.Single(b);
        Assert.Equal(Math.Log(0.2 / 0.8), b[0], 5);
    }

    [Fact]
    public void Biases_MultiClass_AreLogFrequencies_AndAnAbsentClassIsFinite()
    {
        float[] b = OutputPrior.Biases([0.7, 0.3, 0.0], binary: false);

        Assert.Equal(Math.Log(0.7), b[0], 5);
        Assert.Equal(Math.Log(0.3), b[1], 5);
        Assert.Equal(Math.Log(OutputPrior.MinFrequency), b[2], 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Apply_SoftmaxHead_AnySeed_FirstPredictionIsCloseToTheMasksClassFrequencies(int seed)
    {
        // 16×16 masks: rows 0..3 class 1 (25 %), rows 4..5 class 2 (12.5 %), the rest background.
        // Whatever the seed drew, the mean first prediction must sit near those frequencies.
        var data = WriteSet((0, 4, 1), (4, 6, 2));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 16, Height = 16 });
        var prepared = new PreparedDataset(data, [0, 1], pre);
        torch.manual_seed(seed);
        using var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, InChannels = 1, ClassNames = ["background", "a", "b"] });

        double[]? frequencies = OutputPrior.Apply(model, prepared);

        Assert.NotNull(frequencies);
        Assert.Equal(new[] { 0.625, 0.25, 0.125 }, frequencies!.Select(f => Math.Round(f, 6)));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = tensor(prepared.Image(0).ToArray(), [1, 1, 16, 16]);
        var meanP = torch.softmax(model.forward(x), 1).mean([0L, 2L, 3L]).data<float>().ToArray();
        for (int c = 0; c < 3; c++) Assert.InRange(meanP[c], frequencies[c] - 0.1, frequencies[c] + 0.1);
    }

    [Fact]
    public void Apply_SigmoidHead_LeavesTheLayerAsInitialised()
    {
        var data = WriteSet((0, 4, 255));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 16, Height = 16 });
        var prepared = new PreparedDataset(data, [0, 1], pre);
        torch.manual_seed(1);
        using var model = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, InChannels = 1, ClassNames = ["background", "lesion"] });
        float[] before = Bias(model);

        Assert.Null(OutputPrior.Apply(model, prepared));
        Assert.Equal(before, Bias(model));
    }

    private static float[] Bias(UNet model) =>
        model.get_parameter("outc.conv.bias").data<float>().ToArray();

    /// <summary>Two 16×16 images whose masks hold each (first row, end row, mask value) band.</summary>
    private PairedFolderDataset WriteSet(params (int From, int To, int Value)[] bands)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        Directory.CreateDirectory(Path.Combine(_dir, "masks"));
        for (int i = 0; i < 2; i++)
        {
            using (var image = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(60 + 80 * i)))
                Cv2.ImWrite(Path.Combine(_dir, "images", $"{i}.png"), image);
            using var mask = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(0));
            foreach (var (from, to, value) in bands) mask.RowRange(from, to).SetTo(Scalar.All(value));
            Cv2.ImWrite(Path.Combine(_dir, "masks", $"{i}.png"), mask);
        }
        // Mask values as class ids need names for them (classes.txt: line 1 is id 0).
        if (bands.Any(b => b.Value != 255)) File.WriteAllLines(Path.Combine(_dir, "classes.txt"), ["background", "a", "b"]);
        return new PairedFolderDataset(_dir, multiClass: bands.Any(b => b.Value != 255));
    }
}
