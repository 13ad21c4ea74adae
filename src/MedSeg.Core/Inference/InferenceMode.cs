namespace MedSeg.Core.Inference;

/// <summary>
/// How a fixed-input graph meets images of another size (contract key <c>inference</c>):
/// resized to its input, or cut into windows of it. Text: <c>resize</c> | <c>sliding-window</c>.
/// </summary>
public enum InferenceMode
{
    /// <summary>Each image is resized to the graph's input and run whole (Holoscan's InferenceOp, most deployments).</summary>
    Resize,
    /// <summary>A patch model: Gaussian-weighted windows of the graph's input over the image
    /// (at <see cref="ModelContract.TiledInput"/> when stated, else at the image's own size).</summary>
    SlidingWindow,
}
