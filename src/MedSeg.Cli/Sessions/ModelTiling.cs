using MedSeg.Cli.Engines;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// <c>engine.tiling</c>: a checkpoint trained on patches smaller than its input (the plan's "patches
/// + sliding-window inference") streams as `eval` segments it — the frame preprocessed to the
/// input size, then Gaussian-weighted windows of the patch (<see cref="TiledEngine"/>) over a
/// TorchSharp or ONNX Runtime engine built for the patch — instead of one pass over the whole
/// input, which the network never saw in training.
/// </summary>
public static class ModelTiling
{
    /// <summary>Windows per inner call at most: the inner engine's staging buffers are sized for it.</summary>
    private const int MaxWindowBatch = 32;

    /// <returns>The request for the patch-sized inner engine, or null when the model runs whole frames.</returns>
    public static (EngineRequest Inner, CheckpointInfo Info)? Plan(EngineSection spec, EngineRequest request)
    {
        // An .onnx graph has one input size, so it runs whole frames; tiling starts from the checkpoint.
        if (spec.Tiling == "off" || request.IsOnnxFile) return null;
        var info = Checkpoint.ReadInfo(request.Model);
        var contract = CheckpointContract.From(info);
        if (contract.Patch == 0) return null;
        int windows = SlidingWindows.Starts(contract.Height, contract.Patch, SlidingWindows.DefaultOverlap).Length
                    * SlidingWindows.Starts(contract.Width, contract.Patch, SlidingWindows.DefaultOverlap).Length;
        return (request with { Window = contract.Patch, MaxBatch = Math.Min(MaxWindowBatch, request.MaxBatch * windows) }, info);
    }

    public static ISegmentationEngine Tiled((EngineRequest Inner, CheckpointInfo Info) plan, int maxBatch, Action<string> say)
    {
        var inner = EngineFactory.Create(plan.Inner, say);
        if (inner is not IProbabilityEngine probabilities)
        {
            inner.Dispose();
            throw new NotSupportedException($"{plan.Inner.Model}: the {inner.Description.Device} engine gives no class probabilities, which tiled inference averages");
        }
        try
        {
            var tiled = new TiledEngine(probabilities, plan.Info.Preprocess, maxBatch);
            say($"tiled inference: {tiled.Windows} windows of {plan.Inner.Window}² per {tiled.Contract.Width}×{tiled.Contract.Height} frame (engine.tiling: auto; off runs whole frames)");
            return tiled;
        }
        catch
        {
            inner.Dispose();
            throw;
        }
    }
}
