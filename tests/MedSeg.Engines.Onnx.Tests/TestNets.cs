using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>Small seeded U-Nets with non-trivial batch-norm statistics, their checkpoint info, and their TorchSharp answer.</summary>
internal static class TestNets
{
    public static (UNet Model, CheckpointInfo Info) Create(int classes, Upsampling up, int width, int height, int channels = 1, int seed = 1, bool batchNorm = true)
    {
        random.manual_seed(seed);
        var options = new UNetOptions
        {
            InChannels = channels, Depth = 3, BaseWidth = 4, BatchNorm = batchNorm, Upsampling = up,
            ClassNames = [.. Enumerable.Range(0, classes).Select(static i => i == 0 ? "background" : $"class{i}")],
        };
        var model = new UNet(options);
        using (no_grad())
        {
            foreach (var (name, t) in model.state_dict())
            {
                // Running statistics and affine terms away from their defaults, so folding is really tested.
                if (name.EndsWith("running_mean")) t.copy_(randn(t.shape) * 0.1);
                else if (name.EndsWith("running_var")) t.copy_(rand(t.shape) + 0.5);
                else if (name.Contains("double_conv.1.") || name.Contains("double_conv.4."))
                {
                    if (name.EndsWith("weight")) t.copy_(rand(t.shape) + 0.5);
                    else if (name.EndsWith("bias")) t.copy_(randn(t.shape) * 0.1);
                }
                // Larger output weights spread the logits, so few pixels sit on a decision boundary.
                else if (name.StartsWith("outc.") && name.EndsWith("weight")) t.mul_(8);
            }
        }
        model.eval();
        var info = new CheckpointInfo
        {
            Model = options,
            Preprocess = new PreprocessOptions { Width = width, Height = height, Color = channels == 3 ? ColorMode.Rgb : ColorMode.Gray },
            Threshold = 0.5,
        };
        return (model, info);
    }

    public static float[] Input(int batch, int channels, int height, int width, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, batch * channels * height * width).Select(_ => (float)rng.NextDouble())];
    }

    /// <summary>The eager TorchSharp forward (batch norm not folded) and the project's head.</summary>
    public static (byte[] Labels, float[] Foreground, float[] Probs) Torch(UNet model, float[] input, int batch, CheckpointInfo info)
    {
        var p = info.Preprocess;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(input, [batch, p.Channels, p.Height, p.Width]);
        var logits = model.forward(x);
        var (labels, fg) = Heads.Decode(logits, info.Threshold);
        var probs = logits.shape[1] == 1 ? functional.sigmoid(logits) : functional.softmax(logits, 1);
        return (labels.data<byte>().ToArray(), fg.contiguous().data<float>().ToArray(), probs.contiguous().data<float>().ToArray());
    }

    public static byte[] Export(UNet model, CheckpointInfo info, OnnxExportOptions options) =>
        UNetOnnxExporter.Export(model, info, options, "feedface").ToByteArray();

    /// <summary>Pixels whose label a 1e-5 change in probability could flip (threshold or top-two tie).</summary>
    public static bool Ambiguous(float[] probs, int frame, int pixel, int k, int plane, double threshold)
    {
        if (k == 1) return Math.Abs(probs[frame * plane + pixel] - threshold) < 1e-5;
        var v = Enumerable.Range(0, k).Select(c => probs[(frame * k + c) * plane + pixel]).OrderDescending().ToArray();
        return v[0] - v[1] < 1e-5;
    }
}
