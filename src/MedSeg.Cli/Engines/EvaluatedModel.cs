using MedSeg.Core.Inference;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;

namespace MedSeg.Cli.Engines;

/// <summary>
/// The model `eval` and `compare` score — a .ckpt or a .onnx (ours, with its metadata, or a
/// foreign one with a JSON sidecar) — as one thing: its engine (class probabilities, built by
/// <see cref="EngineFactory"/>), its contract, and the <see cref="WindowRule"/> that says at what
/// size the images are prepared and whether they are tiled.
/// </summary>
/// <remarks>
/// A checkpoint states its input size and, when it was trained on patches, its window. A .onnx
/// graph has one fixed input and says how it meets other sizes (<see cref="ModelContract.Inference"/>):
/// resized to it (the default; our export of a whole-image checkpoint), or Gaussian-weighted sliding
/// windows of it — over the checkpoint's resized input for our export of a patch-trained one, over
/// the images at their own (median) size for a foreign patch model. `stream` follows the same rule
/// for its frames (<see cref="Sessions.ModelTiling"/>). Scoring stays at each mask's native
/// resolution either way (the evaluator).
/// </remarks>
public sealed class EvaluatedModel : IDisposable
{
    /// <summary>Images (spread evenly) whose median size decides a .onnx model's evaluation input.</summary>
    private const int SizeProbe = 16;

    private readonly WindowRule _windows;

    private EvaluatedModel(string path, ISegmentationEngine engine, ModelContract contract, string? trainingData, WindowRule windows)
    {
        Path = path;
        Engine = engine;
        Contract = contract;
        TrainingData = trainingData;
        _windows = windows;
    }

    public string Path { get; }
    public ISegmentationEngine Engine { get; }
    /// <summary>Classes, threshold and preprocessing at the model's stated input size.</summary>
    public ModelContract Contract { get; }
    /// <summary>The checkpoint's training data spec (`eval --subset auto`); null for a .onnx.</summary>
    public string? TrainingData { get; }
    public LossKind Loss => Losses.DefaultFor(Contract.IsBinary);

    /// <summary>Builds the engine; <paramref name="request"/> says which runtime, device, threads and batch.</summary>
    public static EvaluatedModel Open(EngineRequest request, Action<string> say)
    {
        if (request.IsOnnxFile)
        {
            var onnx = EngineFactory.Create(request with { Probabilities = true }, say);
            var c = onnx.Contract;
            return new EvaluatedModel(request.Model, onnx, c, null, WindowRule.ForGraph(c));
        }
        var info = Checkpoint.ReadInfo(request.Model);
        var windows = WindowRule.ForCheckpoint(info.Preprocess, info.Patch);
        // A patch-trained model's engine is prepared for its windows (the same for every image size).
        var plan = windows.For(null);
        var engine = EngineFactory.Create(request with { Probabilities = true, Window = plan.Tiled ? plan.WindowWidth : null }, say);
        return new EvaluatedModel(request.Model, engine, CheckpointContract.From(info), info.Dataset, windows);
    }

    /// <summary>The preprocessing and windows for the images of <paramref name="indices"/> (their median size, when it matters).</summary>
    public WindowPlan PlanFor(ISegmentationDataset data, IReadOnlyList<int> indices) =>
        _windows.For(_windows.DependsOnImageSize ? MedianSize(data, indices) : null);

    /// <summary>The sliding windows <paramref name="plan"/> tiles with; null: whole images. The caller disposes it.</summary>
    public static SlidingWindowInference? Windows(WindowPlan plan) =>
        plan.Tiled ? new SlidingWindowInference(plan.WindowHeight, plan.WindowWidth) : null;

    private static (int Width, int Height)? MedianSize(ISegmentationDataset data, IReadOnlyList<int> indices)
    {
        var widths = new List<int>();
        var heights = new List<int>();
        int take = Math.Min(SizeProbe, indices.Count);
        int[] probed = Enumerable.Range(0, take).Select(k => indices[(int)((long)k * indices.Count / take)]).ToArray();
        // The validator reports bad samples; a size probe only skips them.
        foreach (var loaded in SamplePrefetch.Load(data, probed))
        {
            if (loaded.Sample is not { } s) continue;
            using var _ = s;
            widths.Add(s.Image.Width);
            heights.Add(s.Image.Height);
        }
        if (widths.Count == 0) return null;
        widths.Sort();
        heights.Sort();
        return (widths[widths.Count / 2], heights[heights.Count / 2]);
    }

    public void Dispose() => Engine.Dispose();
}
