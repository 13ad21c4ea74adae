using MedSeg.Core.Inference;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;

namespace MedSeg.Cli.Engines;

/// <summary>
/// The model `eval` and `compare` score — a .ckpt or a .onnx (ours, with its metadata, or a
/// foreign one with a JSON sidecar) — as one thing: its engine (class probabilities, built by
/// <see cref="EngineFactory"/>), its contract, and the input and sliding windows the images are
/// prepared for.
/// </summary>
/// <remarks>
/// A checkpoint states its input size and, when it was trained on patches, its window. A .onnx
/// graph has one fixed input, so it is a window engine: images larger than that input are prepared
/// at their own (median) size and segmented by Gaussian-weighted sliding windows of the input size
/// — the <see cref="SlidingWindowInference"/> a patch-trained checkpoint gets — while smaller ones
/// are resized to it. Scoring stays at each mask's native resolution either way (the evaluator).
/// </remarks>
public sealed class EvaluatedModel : IDisposable
{
    /// <summary>Images (spread evenly) whose median size decides a .onnx model's evaluation input.</summary>
    private const int SizeProbe = 16;

    private readonly (int Height, int Width)? _window;
    private readonly bool _fixedInput;

    private EvaluatedModel(string path, ISegmentationEngine engine, ModelContract contract, string? trainingData,
                           (int Height, int Width)? window, bool fixedInput)
    {
        Path = path;
        Engine = engine;
        Contract = contract;
        TrainingData = trainingData;
        _window = window;
        _fixedInput = fixedInput;
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
            return new EvaluatedModel(request.Model, onnx, c, null, (c.Height, c.Width), fixedInput: true);
        }
        var info = Checkpoint.ReadInfo(request.Model);
        // A patch-trained model's engine is prepared for its windows.
        var engine = EngineFactory.Create(request with { Probabilities = true, Window = info.Patch }, say);
        return new EvaluatedModel(request.Model, engine, CheckpointContract.From(info), info.Dataset,
                                  info.Patch is { } p ? (p, p) : null, fixedInput: false);
    }

    /// <summary>The preprocessing the images of <paramref name="indices"/> are prepared with.</summary>
    public PreprocessOptions InputFor(ISegmentationDataset data, IReadOnlyList<int> indices)
    {
        var input = Contract.Preprocess;
        if (!_fixedInput || MedianSize(data, indices) is not { } size || (size.Width <= input.Width && size.Height <= input.Height)) return input;
        return input with { Width = Math.Max(size.Width, input.Width), Height = Math.Max(size.Height, input.Height) };
    }

    /// <summary>Sliding windows of the patch (checkpoint) or of the graph's input (.onnx); null: whole images only. The caller disposes it.</summary>
    public SlidingWindowInference? Windows() => _window is { } w ? new SlidingWindowInference(w.Height, w.Width) : null;

    private static (int Width, int Height)? MedianSize(ISegmentationDataset data, IReadOnlyList<int> indices)
    {
        var widths = new List<int>();
        var heights = new List<int>();
        int take = Math.Min(SizeProbe, indices.Count);
        for (int k = 0; k < take; k++)
        {
            try
            {
                using var s = data.Load(indices[(int)((long)k * indices.Count / take)]);
                widths.Add(s.Image.Width);
                heights.Add(s.Image.Height);
            }
            catch (DatasetException)
            {
                // the validator reports bad samples; a size probe only skips them
            }
        }
        if (widths.Count == 0) return null;
        widths.Sort();
        heights.Sort();
        return (widths[widths.Count / 2], heights[heights.Count / 2]);
    }

    public void Dispose() => Engine.Dispose();
}
