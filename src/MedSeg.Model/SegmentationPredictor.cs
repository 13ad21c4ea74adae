using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>
/// Runs a trained U-Net on preprocessed batches and returns class-id maps (and foreground
/// probabilities). Used by `eval` and validation; the streaming engine builds on the same head logic.
/// </summary>
public sealed class SegmentationPredictor : IDisposable
{
    private readonly UNet _model;

    public SegmentationPredictor(UNet model, CheckpointInfo info, Device device)
    {
        _model = model;
        Info = info;
        Device = device;
        _model.to(device);
        _model.eval();
    }

    public static SegmentationPredictor Load(string checkpoint, string? device = "auto")
    {
        var dev = TorchDevice.Select(device);
        var (model, info) = Checkpoint.Load(checkpoint, dev);
        return new SegmentationPredictor(model, info, dev);
    }

    public CheckpointInfo Info { get; }
    public Device Device { get; }
    public UNetOptions Model => _model.Options;

    /// <param name="images">n × C × H × W preprocessed input.</param>
    /// <param name="ids">n × H × W class ids out.</param>
    /// <param name="foreground">optional n × H × W: P(foreground) for binary heads, 1 − P(background) otherwise.</param>
    public void Predict(float[] images, int n, int height, int width, byte[] ids, float[]? foreground = null)
    {
        int c = Model.InChannels;
        if (images.Length < n * c * height * width) throw new ArgumentException($"expected {n}×{c}×{height}×{width} floats, got {images.Length}", nameof(images));
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var x = tensor(images, [n, c, height, width]).to(Device);
        var logits = _model.forward(x);
        var (labels, prob) = Heads.Decode(logits, Info.Threshold);
        labels.cpu().data<byte>().CopyTo(ids);
        if (foreground != null) prob.cpu().data<float>().CopyTo(foreground);
    }

    public void Dispose() => _model.Dispose();
}

/// <summary>Turns logits into labels: sigmoid + threshold for binary heads, softmax + argmax otherwise.</summary>
public static class Heads
{
    /// <returns>uint8 labels [N,H,W] and float foreground probability [N,H,W].</returns>
    public static (Tensor Labels, Tensor Foreground) Decode(Tensor logits, double threshold)
    {
        if (logits.shape[1] == 1)
        {
            var p = functional.sigmoid(logits).squeeze(1);
            return (p.gt(threshold).to_type(ScalarType.Byte), p);
        }
        var soft = functional.softmax(logits, 1);
        var labels = soft.argmax(1).to_type(ScalarType.Byte);
        var fg = 1 - soft.select(1, 0);
        return (labels, fg);
    }
}
