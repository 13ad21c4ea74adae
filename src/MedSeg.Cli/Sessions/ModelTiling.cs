using MedSeg.Cli.Engines;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// <c>engine.tiling</c>: builds the session's engine by the <see cref="WindowRule"/> `eval` follows.
/// A checkpoint trained on patches smaller than its input streams with each frame preprocessed to
/// the input size, then Gaussian-weighted windows of the patch (<see cref="TiledEngine"/>) over a
/// TorchSharp or ONNX Runtime engine built for the patch — not one pass over the whole input,
/// which the network never saw in training. A .onnx graph follows its contract's inference mode:
/// resized to its input and run whole (the default, and our export of a whole-image checkpoint);
/// tiled by windows of its input over the checkpoint's input (our export of a patch-trained one,
/// exactly as its checkpoint streams); or, for a foreign <c>sliding-window</c> model, tiled at the
/// frames' own size when the sources declare frames larger than its input, as `eval` tiles larger images.
/// </summary>
/// <remarks>
/// The frame size comes from the sources before the first frame (<c>IFrameSource.FrameSize</c>):
/// the engine and the preprocessing are fixed when the session is built, so a camera, a stream URL
/// or an OpenIGTLink source, whose size is known only once frames arrive, runs a native-size
/// sliding-window .onnx whole, and says so.
/// </remarks>
public static class ModelTiling
{
    /// <summary>Windows per inner call at most: the inner engine's staging buffers are sized for it.</summary>
    private const int MaxWindowBatch = 32;

    /// <param name="frameSize">The largest frame size the sources declare; null: none declares one.</param>
    public static ISegmentationEngine Create(EngineSection spec, EngineRequest request, (int Width, int Height)? frameSize, Action<string> say)
    {
        if (request.IsOnnxFile) return FixedInput(spec, request, frameSize, say);
        var info = Checkpoint.ReadInfo(request.Model);
        var plan = WindowRule.ForCheckpoint(info.Preprocess, info.Patch).For(null);
        if (spec.Tiling == "off" || !plan.Tiled) return EngineFactory.Create(request, say);
        var inner = EngineFactory.Create(request with { Window = plan.WindowWidth, MaxBatch = Math.Min(MaxWindowBatch, request.MaxBatch * plan.Windows) }, say);
        return Tiled(inner, plan, request, "engine.tiling: auto; off runs whole frames", say);
    }

    private static ISegmentationEngine FixedInput(EngineSection spec, EngineRequest request, (int Width, int Height)? frameSize, Action<string> say)
    {
        // The graph itself is the window engine: its MaxBatch (the batcher's) is windows per call.
        var engine = EngineFactory.Create(request, say);
        var input = engine.Contract.Preprocess;
        var rule = WindowRule.ForGraph(engine.Contract);
        var plan = rule.For(frameSize);
        string name = Path.GetFileName(request.Model);
        if (spec.Tiling == "off") return engine;
        if (!plan.Tiled)
        {
            if (rule.DependsOnImageSize && frameSize is null)
                say($"{name}: frames resized to its {input.Width}×{input.Height} input (the source declares no frame size before its first frame, so a .onnx is not tiled)");
            else if (frameSize is { } f && (f.Width, f.Height) != (input.Width, input.Height) && engine.Contract.Inference == InferenceMode.Resize)
                say($"{name}: {f.Width}×{f.Height} frames resized to its {input.Width}×{input.Height} input (inference: resize; a patch model's sidecar says \"inference\": \"sliding-window\")");
            return engine;
        }
        if (engine.Contract is { Head: OutputHead.Labels, IsBinary: false })
        {
            say($"{name}: frames resized to its {input.Width}×{input.Height} input (its labels head gives no class probabilities for windows to average)");
            return engine;
        }
        string why = rule.DependsOnImageSize
            ? $"the source declares {frameSize!.Value.Width}×{frameSize.Value.Height} frames; engine.tiling: off resizes them to the input"
            : "a patch model (inference: sliding-window); engine.tiling: off resizes frames to the window";
        return Tiled(engine, plan, request, why, say);
    }

    private static TiledEngine Tiled(ISegmentationEngine inner, WindowPlan plan, EngineRequest request, string why, Action<string> say)
    {
        try
        {
            if (inner is not IProbabilityEngine probabilities)
                throw new NotSupportedException($"{request.Model}: the {inner.Description.Device} engine gives no class probabilities, which tiled inference averages");
            var tiled = new TiledEngine(probabilities, plan.Input, request.MaxBatch);
            say($"tiled inference: {tiled.Windows} windows of {plan.WindowWidth}×{plan.WindowHeight} per {plan.Input.Width}×{plan.Input.Height} frame ({why})");
            return tiled;
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }
}
