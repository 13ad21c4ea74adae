using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>
/// The one rule for a model's sliding windows, used by `eval` and `compare` (images) and by every
/// streaming command (frames): whether an input of a given size is tiled, the size it is prepared
/// at, and the window.
/// </summary>
/// <remarks>
/// A checkpoint states its input size; trained on patches smaller than that input, it is tiled by
/// windows of the patch (the plan's "patches + sliding-window inference"), whatever the image size,
/// since images are resized to the input it was trained at. A graph with one fixed input (a .onnx)
/// follows its contract's <see cref="ModelContract.Inference"/>: <c>resize</c> (the default, and
/// every export of a whole-image checkpoint) resizes each image to that input and runs it whole, as
/// the checkpoint does and as Holoscan's InferenceOp does for a foreign graph; <c>sliding-window</c>
/// tiles by windows of the input — over <see cref="ModelContract.TiledInput"/> when the contract
/// states it (an export of a patch-trained checkpoint: its input, so the .onnx cuts the windows its
/// checkpoint cuts), else over the image at its own size (each axis at least the input's), the way
/// a foreign patch model (nnU-Net, MONAI) runs. An unknown image size keeps the input.
/// </remarks>
public sealed class WindowRule
{
    private readonly PreprocessOptions _input;
    private readonly int _windowHeight, _windowWidth;
    private readonly bool _growsWithImage;

    private WindowRule(PreprocessOptions input, int windowHeight, int windowWidth, bool growsWithImage)
    {
        _input = input;
        (_windowHeight, _windowWidth) = (windowHeight, windowWidth);
        _growsWithImage = growsWithImage;
    }

    /// <param name="patch">The training patch; null or 0: trained on whole inputs.</param>
    public static WindowRule ForCheckpoint(PreprocessOptions input, int? patch)
    {
        ArgumentNullException.ThrowIfNull(input);
        int p = patch is > 0 ? Math.Min(patch.Value, Math.Min(input.Width, input.Height)) : 0;
        return p > 0 ? new WindowRule(input, p, p, growsWithImage: false) : new WindowRule(input, input.Height, input.Width, growsWithImage: false);
    }

    /// <param name="graph">The graph's contract: its preprocessing at its fixed input size, its inference mode.</param>
    public static WindowRule ForGraph(ModelContract graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var input = graph.Preprocess;
        if (graph.Inference == InferenceMode.Resize) return new WindowRule(input, input.Height, input.Width, growsWithImage: false);
        if (graph.TiledInput is { } t)
            return new WindowRule(input with { Width = t.Width, Height = t.Height }, input.Height, input.Width, growsWithImage: false);
        return new WindowRule(input, input.Height, input.Width, growsWithImage: true);
    }

    /// <summary>Whether the image size changes the decision (a graph tiled at the images' own size); every other rule is the same for every size.</summary>
    public bool DependsOnImageSize => _growsWithImage;

    /// <param name="imageSize">The images' or frames' size (Width, Height); null: not known.</param>
    public WindowPlan For((int Width, int Height)? imageSize)
    {
        var input = _input;
        if (_growsWithImage && imageSize is { } s && (s.Width > input.Width || s.Height > input.Height))
            input = input with { Width = Math.Max(s.Width, input.Width), Height = Math.Max(s.Height, input.Height) };
        return new WindowPlan(input, _windowHeight, _windowWidth);
    }
}
