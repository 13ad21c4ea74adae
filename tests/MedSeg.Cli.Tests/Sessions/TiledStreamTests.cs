using MedSeg.Cli.Engines;
using MedSeg.Cli.Sessions;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Training;
using MedSeg.Pipeline.Session;
using OpenCvSharp;
using static TorchSharp.torch;

namespace MedSeg.Cli.Tests.Sessions;

/// <summary>
/// A model trained on patches (the checkpoint, or its export), or a foreign .onnx whose sidecar says
/// "inference": "sliding-window", streams by the sliding windows `eval` uses: same frames, same
/// labels, on either engine. Every other .onnx resizes frames to its input, as its checkpoint does.
/// </summary>
[Collection("console")]
public sealed class TiledStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-tiled-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PatchCheckpoint(string set) => ConfidentPatchModel.Checkpoint(_dir, Path.Combine(set, "images", "f0.png"));

    private string Frames(int size = 48)
    {
        string images = Path.Combine(_dir, "set", "images"), masks = Path.Combine(_dir, "set", "masks");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(masks);
        var rng = new Random(5);
        for (int i = 0; i < 3; i++)
        {
            using var image = new Mat(size, size, MatType.CV_8UC1);
            var pixels = new byte[size * size];
            rng.NextBytes(pixels);
            image.SetArray(pixels);
            Cv2.GaussianBlur(image, image, new OpenCvSharp.Size(5, 5), 1.5);
            Cv2.ImWrite(Path.Combine(images, $"f{i}.png"), image);
            using var mask = new Mat(size, size, MatType.CV_8UC1, OpenCvSharp.Scalar.All(0));
            Cv2.ImWrite(Path.Combine(masks, $"f{i}.png"), mask);
        }
        return Path.Combine(_dir, "set");
    }

    private static List<byte[]> EvalLabels(string checkpoint, string set)
    {
        var (model, info) = Checkpoint.Load(checkpoint);
        using (model)
        {
            var data = new PairedFolderDataset(set);
            using var pre = new Preprocessor(info.Preprocess);
            var prepared = new PreparedDataset(data, Enumerable.Range(0, data.Count).ToArray(), pre);
            using var windows = new SlidingWindowInference(info.Patch!.Value, info.Patch.Value);
            var labels = new byte[data.Count][];
            Evaluator.Evaluate(model, prepared, CPU, info.Threshold, LossKind.BceDice, 2, data.ClassNames,
                               onPrediction: (i, l, _) => labels[i] = l, windows: windows);
            return [.. labels];
        }
    }

    /// <summary>`eval`'s own path for a model file: its window plan for the data set, its engine's probabilities.</summary>
    private static (List<byte[]> Labels, bool Tiled) EvalLabelsOf(string model, string set)
    {
        var request = new EngineRequest { Model = model, Threads = 1, MaxBatch = 2 };
        using var evaluated = EvaluatedModel.Open(request with { Engine = request.IsOnnxFile ? EngineKind.Onnx : EngineKind.Torch }, static _ => { });
        var data = new PairedFolderDataset(set);
        int[] all = [.. Enumerable.Range(0, data.Count)];
        var plan = evaluated.PlanFor(data, all);
        using var pre = new Preprocessor(plan.Input);
        var prepared = new PreparedDataset(data, all, pre);
        using var windows = EvaluatedModel.Windows(plan);
        var labels = new byte[data.Count][];
        Evaluator.Evaluate(evaluated.Engine, prepared, evaluated.Contract.Threshold, evaluated.Loss, 2, data.ClassNames,
                           onPrediction: (i, l, _) => labels[i] = l, windows: windows);
        return ([.. labels], plan.Tiled);
    }

    /// <param name="maskSize">The size the session's masks are at: the model's input, or the frames' when tiled at their own size.</param>
    private async Task<(List<byte[]> Labels, string Engine)> StreamLabels(string checkpoint, string set, string kind, string tiling, int maskSize = 48)
    {
        string session = Path.Combine(_dir, $"{kind}-{tiling}.msgpack");
        var spec = new SessionSpec
        {
            Sources = [new() { Uri = $"folder:{Path.Combine(set, "images")}", Mode = "all" }],
            Engine = new EngineSection { Model = checkpoint, Kind = kind, Threads = 1, Tiling = tiling },
            Batcher = new() { MaxBatch = 2 },
            Report = new() { Status = false },
        };
        spec.Sinks.Recorder.Path = session;
        string engine;
        using (var running = SessionBuilder.Build(spec, CheckpointEngineLoader.Instance))
        {
            engine = running.Engine.Engine.Description.Model;
            await running.RunAsync(CancellationToken.None);
        }
        using var reader = RecordingReader.Open(session);
        var labels = new List<byte[]>();
        var f = new FrameRecord();
        while (reader.ReadNext(f, FramePlanes.Labels))
        {
            Assert.Equal((maskSize, maskSize), (f.MaskWidth, f.MaskHeight));
            labels.Add(f.Labels![..(maskSize * maskSize)]);
        }
        return (labels, engine);
    }

    [Theory]
    [InlineData("torch")]
    [InlineData("onnx")]
    public async Task Stream_FramesLargerThanThePatch_SameLabelsAsEvalsTiledInference(string kind)
    {
        string set = Frames(), checkpoint = PatchCheckpoint(set);
        var expected = EvalLabels(checkpoint, set);

        var (tiled, engine) = await StreamLabels(checkpoint, set, kind, "auto");

        Assert.Contains("tiled 4 × 32²", engine);
        Assert.Equal(expected.Count, tiled.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], tiled[i]);
        // The labels are not all one class: the comparison means something.
        Assert.Contains(expected, l => l.Contains((byte)0) && l.Contains((byte)1));
    }

    [Theory]
    [InlineData(48)]  // frames of the checkpoint's input size
    [InlineData(64)]  // larger frames: resized to the 48² input first, as the checkpoint does, then the same 4 windows
    public async Task StreamAndEval_ExportOfAPatchTrainedCheckpoint_TiledAsTheCheckpoint(int frameSize)
    {
        string set = Frames(frameSize), checkpoint = PatchCheckpoint(set), onnx = ConfidentPatchModel.Onnx(checkpoint, window: 32);
        var (expected, evalTiled) = EvalLabelsOf(onnx, set);

        var (streamed, engine) = await StreamLabels(onnx, set, "auto", "auto");

        Assert.True(evalTiled);
        Assert.Contains("tiled 4 × 32²", engine);
        Assert.Equal(expected, streamed);
        Assert.Contains(expected, l => l.Contains((byte)0) && l.Contains((byte)1));
        // The graph cuts and weighs the frames as the patch-trained checkpoint it came from.
        Assert.Equal(EvalLabels(checkpoint, set), expected);
    }

    [Fact]
    public async Task StreamAndEval_ExportOfAWholeImageCheckpoint_LargerFramesResizedAsByTheCheckpoint()
    {
        // "Trained on whole 32² images": the 48² frames are resized to 32², never cut into windows of it.
        string set = Frames(), checkpoint = ConfidentPatchModel.Checkpoint(_dir, Path.Combine(set, "images", "f0.png"), 32, patch: null);
        string onnx = ConfidentPatchModel.Onnx(checkpoint, window: null);
        var (fromCheckpoint, checkpointTiled) = EvalLabelsOf(checkpoint, set);
        var (expected, evalTiled) = EvalLabelsOf(onnx, set);

        var (streamed, engine) = await StreamLabels(onnx, set, "auto", "auto", maskSize: 32);

        Assert.False(evalTiled || checkpointTiled);
        Assert.DoesNotContain("tiled", engine);
        Assert.Equal(expected, streamed);
        Assert.Equal(fromCheckpoint, expected);
        Assert.Contains(expected, l => l.Contains((byte)0) && l.Contains((byte)1));
    }

    [Fact]
    public async Task StreamAndEval_OnnxWrittenBeforeTheInferenceKey_LoadsAndResizes()
    {
        // What export-onnx wrote for a patch-trained checkpoint before: its whole 48² input as the graph,
        // medseg.patch but no medseg.inference. It reads as a resize model: 64² frames go to 48², whole.
        string set = Frames(64), onnx = ConfidentPatchModel.Onnx(PatchCheckpoint(set), window: null);
        var (expected, evalTiled) = EvalLabelsOf(onnx, set);

        var (streamed, engine) = await StreamLabels(onnx, set, "auto", "auto");

        Assert.False(evalTiled);
        Assert.DoesNotContain("tiled", engine);
        Assert.Equal(expected, streamed);
    }

    [Theory]
    [InlineData(null)]              // the sidecar says nothing: resized to the graph's 32² input, as Holoscan's InferenceOp does
    [InlineData("resize")]
    [InlineData("sliding-window")]  // a patch model: the 48² frames at their own size, 2 × 2 windows of 32²
    public async Task StreamAndEval_SidecarModel_ResizesUnlessItSaysSlidingWindow(string? inference)
    {
        string set = Frames(), onnx = ConfidentPatchModel.Foreign(PatchCheckpoint(set), 32, inference);
        bool tiled = inference == "sliding-window";
        var (expected, evalTiled) = EvalLabelsOf(onnx, set);

        var (streamed, engine) = await StreamLabels(onnx, set, "auto", "auto", maskSize: tiled ? 48 : 32);

        Assert.Equal(tiled, evalTiled);
        if (tiled) Assert.Contains("tiled 4 × 32²", engine);
        else Assert.DoesNotContain("tiled", engine);
        Assert.Equal(expected, streamed);
        Assert.Contains(expected, l => l.Contains((byte)0) && l.Contains((byte)1));
    }

    [Fact]
    public async Task Stream_SlidingWindowSidecarModelOnALiveSourceOfUnknownSize_RunsWholeFramesAndSaysWhy()
    {
        // A live target's size is known only once it delivers, after the engine was built.
        string set = Frames(), onnx = ConfidentPatchModel.Foreign(PatchCheckpoint(set), 32, "sliding-window"), clip = Path.Combine(_dir, "clip.avi");
        using (var writer = new VideoWriter(clip, FourCC.MJPG, 10, new OpenCvSharp.Size(48, 48), isColor: false))
            foreach (string image in Directory.GetFiles(Path.Combine(set, "images")))
            {
                using var frame = Cv2.ImRead(image, ImreadModes.Grayscale);
                writer.Write(frame);
            }

        var (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--source", $"video:{clip}?live=1&frames=3&gray", "--mode", "all", "--threads", "1");

        Assert.True(code == 0, output);
        Assert.Contains("frames resized to its 32×32 input (the source declares no frame size before its first frame", output.Replace("\n", ""));
        Assert.DoesNotContain("tiled inference", output);
    }

    [Fact]
    public async Task Stream_ResizeOnnxOnLargerFrames_SaysTheyAreResized()
    {
        string set = Frames(), onnx = ConfidentPatchModel.Foreign(PatchCheckpoint(set), 32, inference: null);

        var (code, output) = await CliRunner.RunAsync("stream", "--model", onnx, "--source", $"folder:{Path.Combine(set, "images")}?fps=0", "--mode", "all", "--threads", "1");

        Assert.True(code == 0, output);
        Assert.Contains("48×48 frames resized to its 32×32 input (inference: resize", output.Replace("\n", ""));
        Assert.DoesNotContain("tiled inference", output);
    }

    [Fact]
    public async Task Stream_TilingOff_RunsWholeFrames()
    {
        string set = Frames(), checkpoint = PatchCheckpoint(set);
        var expected = EvalLabels(checkpoint, set);

        var (whole, engine) = await StreamLabels(checkpoint, set, "torch", "off");

        Assert.DoesNotContain("tiled", engine);
        Assert.Equal(expected.Count, whole.Count);
    }
}
