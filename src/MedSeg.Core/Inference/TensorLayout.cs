namespace MedSeg.Core.Inference;

/// <summary>Memory order of a model's image input (and of its per-class outputs).</summary>
public enum TensorLayout
{
    /// <summary>batch × channels × height × width (PyTorch, TorchSharp, the pipeline's own buffers).</summary>
    Nchw,
    /// <summary>batch × height × width × channels (what Holoscan's InferenceOp hands a model).</summary>
    Nhwc,
}
