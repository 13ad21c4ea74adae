using MedSeg.Core.Frames;
using MedSeg.Core.Inference;

namespace MedSeg.Model;

/// <summary>The <see cref="ModelContract"/> a checkpoint states: one derivation for every engine and the ONNX export.</summary>
public static class CheckpointContract
{
    public static ModelContract From(CheckpointInfo info, double? threshold = null, string checkpointSha256 = "",
                                     TensorLayout layout = TensorLayout.Nchw, OutputHead head = OutputHead.Labels) => new ModelContract
    {
        Model = info.Model.Describe(),
        ClassNames = info.Model.ClassNames,
        ClassColors = [.. Enumerable.Range(0, info.Model.NumClasses).Select(static i => Hex(ClassPalette.For(i)))],
        Preprocess = info.Preprocess,
        Threshold = threshold ?? info.Threshold,
        CheckpointSha256 = checkpointSha256,
        Layout = layout,
        Head = head,
        Patch = info.Patch is { } p && p < Math.Max(info.Preprocess.Width, info.Preprocess.Height) ? p : 0,
        GflopPerFrame = ModelFlops.GflopPerFrame(info.Model, info.Preprocess.Height, info.Preprocess.Width),
    }.Validate();

    private static string Hex((byte R, byte G, byte B) c) => $"#{c.R:X2}{c.G:X2}{c.B:X2}";
}
