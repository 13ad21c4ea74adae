namespace MedSeg.Core.Inference;

/// <summary>
/// Runs a segmentation model on a batch of preprocessed frames. Implemented by the TorchSharp
/// U-Net engine (MedSeg.Engines.Torch.InferenceEngine) and the ONNX Runtime engine
/// (MedSeg.Engines.Onnx.OnnxEngine); the pipeline only sees this interface and the model's
/// <see cref="Contract"/>, so Core and Pipeline stay free of either runtime's types.
/// </summary>
/// <remarks>Not thread-safe: one caller (the inference stage) at a time.</remarks>
public interface ISegmentationEngine : IDisposable
{
    EngineDescription Description { get; }

    /// <summary>The model's whole contract: input size and preprocessing, classes, colours, threshold.</summary>
    ModelContract Contract { get; }

    /// <summary>Largest batch the engine was prepared (warmed up, buffers sized) for.</summary>
    int MaxBatch { get; }

    /// <param name="input">batch × C × H × W floats, already preprocessed.</param>
    /// <param name="batch">number of frames in <paramref name="input"/> (1 … MaxBatch).</param>
    /// <param name="labels">batch × H × W class ids out.</param>
    /// <param name="foreground">batch × H × W foreground probability out (P(fg) for binary heads,
    /// 1 − P(background) otherwise); may be empty when not wanted.</param>
    void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground);

    /// <summary>
    /// Two slots for double buffering (the inference stage's path): by default <see cref="Infer"/>
    /// on a worker thread over managed staging; an engine with its own staging (pinned host
    /// buffers, a copy stream) returns slots over those. Disposed by the caller, before the engine.
    /// </summary>
    IEngineSlots CreateSlots() => new WorkerSlots(this);
}
