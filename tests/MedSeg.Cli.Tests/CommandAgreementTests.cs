using MedSeg.Cli.Commands;
using MedSeg.Cli.Reports;
using MedSeg.Cli.Tests.Sessions;
using OpenCvSharp;

namespace MedSeg.Cli.Tests;

/// <summary>
/// `eval`, `compare`, `stream` / `record` + `score` on one hand-made case: 2-class 56×40 images,
/// larger than the model's input, tiled by every command. Each scores every image at its own
/// resolution: eval and compare with the same numbers always; the streamed session as eval exactly
/// when the frames are segmented at their own size (a foreign sliding-window .onnx), up to 8-bit
/// probabilities when they are resized to the model's input (a .ckpt, and its .onnx export).
/// </summary>
[Collection("console")]
public sealed class CommandAgreementTests : IDisposable
{
    private const int Width = 56, Height = 40, Images = 3;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-agree-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Blurred noise with a brighter disc per image; the disc is the mask (0/255), also as frame-NNNNNN.png for `score`.</summary>
    private string HandMadeSet()
    {
        string set = Path.Combine(_dir, "set");
        foreach (string sub in new[] { "images", "masks", "frames" }) Directory.CreateDirectory(Path.Combine(set, sub));
        var rng = new Random(11);
        for (int i = 0; i < Images; i++)
        {
            using var image = new Mat(Height, Width, MatType.CV_8UC1);
            var pixels = new byte[Width * Height];
            rng.NextBytes(pixels);
            image.SetArray(pixels);
            Cv2.GaussianBlur(image, image, new Size(5, 5), 1.5);
            using var mask = new Mat(Height, Width, MatType.CV_8UC1, Scalar.All(0));
            Cv2.Circle(mask, new Point(14 + 12 * i, 20), 9, Scalar.All(255), -1);
            Cv2.Add(image, new Scalar(70), image, mask);
            Cv2.ImWrite(Path.Combine(set, "images", $"f{i}.png"), image);
            Cv2.ImWrite(Path.Combine(set, "masks", $"f{i}.png"), mask);
            Cv2.ImWrite(Path.Combine(set, "frames", $"frame-{i:D6}.png"), mask);
        }
        return set;
    }

    private static async Task<string> Run(params string[] args)
    {
        var (code, output) = await CliRunner.RunAsync(args);
        Assert.True(code == 0, output);
        return output.Replace("\n", "");
    }

    [Theory]
    // A foreign 32² .onnx whose sidecar says "inference": "sliding-window": images at their own 56×40, 3 × 2 windows of 32².
    [InlineData("sidecar", "tiled inference: 56×40 images in windows of 32×32", "tiled inference: 6 windows of 32×32 per 56×40 frame")]
    // The checkpoint "trained on 32² patches of 48² inputs": resized to 48², 2 × 2 windows, resampled back to 56×40.
    [InlineData("ckpt", "tiled inference: 48×48 images in windows of 32×32", "tiled inference: 4 windows of 32×32 per 48×48 frame")]
    // Its export (a 32² graph cut from the resized 48² input): the checkpoint's windows.
    [InlineData("onnx", "tiled inference: 48×48 images in windows of 32×32", "tiled inference: 4 windows of 32×32 per 48×48 frame")]
    public async Task EvalCompareStreamScore_ImagesLargerThanTheModelInput_SameNativeResolutionScores(string kind, string evalTiling, string streamTiling)
    {
        string set = HandMadeSet();
        string checkpoint = ConfidentPatchModel.Checkpoint(_dir, Path.Combine(set, "images", "f0.png"));
        string model = kind switch
        {
            "sidecar" => ConfidentPatchModel.Foreign(checkpoint, 32, "sliding-window"),
            "onnx" => ConfidentPatchModel.Onnx(checkpoint, window: 32),
            _ => checkpoint,
        };
        bool native = kind == "sidecar";
        string engine = kind == "ckpt" ? "torch" : "onnx"; // compare runs a .ckpt on TorchSharp
        string evalDir = Path.Combine(_dir, "eval"), compareDir = Path.Combine(_dir, "compare"), session = Path.Combine(_dir, "s.msgpack");

        string evalOutput = await Run("eval", "--model", model, "--data", set, "--out", evalDir, "--engine", engine, "--threads", "1", "--samples", "1");
        await Run("compare", model, model, "--data", set, "--out", compareDir, "--threads", "1", "--worst", "0");
        string source = $"folder:{Path.Combine(set, "images")}?fps=0";
        string streamOutput = native
            ? await Run("stream", "--model", model, "--engine", engine, "--source", source, "--mode", "all", "--record", session, "--threads", "1")
            : await Run("record", "--model", model, "--engine", engine, "--source", source, "--mode", "all", "--out", session, "--probabilities", "--threads", "1");
        string scoreOutput = await Run("score", session, "--masks", Path.Combine(set, "frames"), "--out", Path.Combine(_dir, "score"), "--hd95");
        var eval = EvalReport.Load(Path.Combine(evalDir, "report.json"));
        var compare = ReportJson.Load<CompareReport>(Path.Combine(compareDir, "compare.json"));
        var score = ScoreReport.Load(Path.Combine(_dir, "score", "score.json"));

        Assert.Contains(evalTiling, evalOutput);
        Assert.Contains(streamTiling, streamOutput);
        Assert.Equal((Images, Images, Images), (eval.Images, compare.Images, score.Frames));
        if (!native) Assert.Contains($"{Images} frames of another size than their reference: scored from probabilities resampled to it", scoreOutput);
        // Not a degenerate case: the model finds part of some disc and misses part of another.
        Assert.Contains(eval.PerImage, static e => e.Classes[0].Dice is > 0.05 and < 0.95);
        for (int i = 0; i < Images; i++)
        {
            var e = eval.PerImage[i];
            var c = compare.PerImage.Single(p => p.Id == e.Id);
            var lesion = Assert.Single(e.Classes);
            Assert.Equal((lesion.Dice, lesion.Iou, lesion.Hd95), (c.DiceA, c.IouA, c.Hd95A));
            Assert.Equal((c.DiceA, c.IouA), (c.DiceB, c.IouB));
            var s = Assert.Single(score.PerFrame[i].Classes);
            if (native) Assert.Equal((lesion.Dice, lesion.Iou, lesion.Hd95), (s.Dice, s.Iou, s.Hd95));
            // The session holds the model's 48² labels and 8-bit probabilities; score resamples those to the
            // 56×40 reference as eval resamples its float ones. Checked once by hand: the 48² labels equal eval's and
            // the probabilities are within one 8-bit step, but this random-weight model sits near the threshold over
            // wide areas, so the quantisation moves ~10 % of the native pixels and the Dice by ~0.003.
            else Assert.True(Math.Abs(lesion.Dice - s.Dice) <= 0.01, $"{e.Id}: eval Dice {lesion.Dice}, score {s.Dice}");
        }
    }
}
