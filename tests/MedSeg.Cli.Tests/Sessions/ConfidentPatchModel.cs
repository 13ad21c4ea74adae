using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Cli.Tests.Sessions;

/// <summary>
/// A tiny binary U-Net "trained on 32² patches of 48² inputs", with random weights made confident,
/// and its exports: tiling changes its labels, and no float noise decides them.
/// </summary>
internal static class ConfidentPatchModel
{
    /// <summary>48×48 input, 32² patch: 2 × 2 windows per frame. No batch norm, so no engine folds anything.</summary>
    /// <param name="firstImage">An image of the data: its outputs are cut at their median, so both classes occur.</param>
    public static string Checkpoint(string dir, string firstImage) => Checkpoint(dir, firstImage, 48, patch: 32);

    /// <summary>The same weights "trained on whole <paramref name="input"/>² images" (<paramref name="patch"/> null).</summary>
    public static string Checkpoint(string dir, string firstImage, int input, int? patch)
    {
        string path = Path.Combine(dir, patch is null ? $"whole{input}.ckpt" : "patch.ckpt");
        manual_seed(3);
        var pre = new PreprocessOptions { Width = input, Height = input };
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, BatchNorm = false, ClassNames = ["background", "lesion"] });
        using (no_grad())
        {
            // Confident outputs cut at their median on the first frame: random weights alone put
            // every probability near 0.5 (float noise would decide) and every label in one class.
            using var scope = NewDisposeScope();
            using var image = Cv2.ImRead(firstImage, ImreadModes.Grayscale);
            using var preprocessor = new Preprocessor(pre);
            var x = new float[input * input];
            preprocessor.Image(image, x);
            var logits = net.forward(tensor(x, [1, 1, input, input]));
            using var median = (-CutNearMedian(logits.flatten().data<float>().ToArray())).ToScalar();
            using var gain = 40.ToScalar();
            foreach (var (name, p) in net.named_parameters())
            {
                if (!name.StartsWith("outc", StringComparison.Ordinal)) continue;
                if (name.EndsWith("bias", StringComparison.Ordinal)) p.add_(median);
                p.mul_(gain);
            }
        }
        Model.Checkpoint.Save(path, net, new CheckpointInfo { Model = net.Options, Preprocess = pre, Dataset = "none", Patch = patch });
        return path;
    }

    /// <summary>
    /// The midpoint between the median output and the next one up: cutting at the median itself
    /// left that pixel's logit at exactly 0, so float noise (thread count, window weighting)
    /// decided its label and whether the engines agreed depended on which tests ran before.
    /// </summary>
    private static float CutNearMedian(float[] values)
    {
        Array.Sort(values);
        int m = values.Length / 2;
        return (values[m] + values[m + 1]) / 2;
    }

    /// <summary>The checkpoint exported as a file whose one fixed input is <paramref name="window"/>² (null: its own 48²).</summary>
    public static string Onnx(string checkpoint, int? window)
    {
        string path = Path.Combine(Path.GetDirectoryName(checkpoint)!, $"graph{window}.onnx");
        UNetOnnxExporter.Save(UNetOnnxExporter.ExportCheckpoint(checkpoint, new OnnxExportOptions { DynamicBatch = true, Window = window }), path);
        return path;
    }

    /// <summary>
    /// The <paramref name="window"/>² export as a model made elsewhere: no MedSeg metadata, the contract
    /// in a JSON sidecar that says <c>"inference": <paramref name="inference"/></c> (null: says nothing).
    /// </summary>
    public static string Foreign(string checkpoint, int window, string? inference)
    {
        string path = Path.Combine(Path.GetDirectoryName(checkpoint)!, $"foreign{window}-{inference ?? "default"}.onnx");
        var proto = UNetOnnxExporter.ExportCheckpoint(checkpoint, new OnnxExportOptions { DynamicBatch = true, Window = window });
        proto.MetadataProps.Clear();
        UNetOnnxExporter.Save(proto, path);
        var sidecar = new Dictionary<string, object>
        {
            ["class_names"] = new[] { "background", "lesion" }, ["head"] = "probs",
            ["preprocess"] = new PreprocessOptions { Width = window, Height = window },
        };
        if (inference is not null) sidecar["inference"] = inference;
        File.WriteAllText(path + ".json", System.Text.Json.JsonSerializer.Serialize(sidecar));
        return path;
    }
}
