using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using MedSeg.Onnx.Quantization;
using Onnx;

namespace MedSeg.Cli.Engines;

/// <summary>A checkpoint's float export turned into its int8 QDQ graph, calibrated on training images (export-onnx and the engine factory alike).</summary>
public static class Int8Export
{
    /// <param name="calibration">A data spec; null: the data set the checkpoint was trained on.</param>
    public static ModelProto Quantize(ModelProto fp32, string checkpoint, string? calibration, TensorLayout layout,
                                      int images = CalibrationFrames.DefaultCount, QuantizationOptions? options = null, Action<string>? say = null)
    {
        var info = Checkpoint.ReadInfo(checkpoint);
        // A patch graph (a window of the checkpoint's input) calibrates on the windows its tiler feeds it.
        var graph = ModelContractMetadata.Read(fp32.MetadataProps.ToDictionary(static p => p.Key, static p => p.Value), checkpoint);
        int? window = graph.TiledInput is null ? null : graph.Width;
        var (frames, source) = CalibrationFrames.Load(calibration, info, layout, images, window);
        var q = QdqQuantizer.Quantize(fp32, frames, options, source);
        say?.Invoke($"int8: calibrated on {source} ({q.MetadataProps.First(static p => p.Key == QdqQuantizer.CalibrationKey).Value.Split(" over ")[0]})");
        return q;
    }
}
