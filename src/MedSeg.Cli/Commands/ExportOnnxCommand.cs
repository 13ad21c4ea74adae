using System.CommandLine;
using MedSeg.Cli.Engines;
using MedSeg.Core.Inference;
using MedSeg.Model.Onnx;
using MedSeg.Onnx.Quantization;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg export-onnx CKPT --out model.onnx`: the checkpoint as a self-contained ONNX model
/// (batch norm folded, head inside the graph, the model contract in its metadata).
/// </summary>
public static class ExportOnnxCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("CKPT") { Description = "Checkpoint (.ckpt from `medseg train`)" };
        var output = new Option<string>("--out") { Description = "ONNX file to write", Required = true };
        var opset = new Option<int>("--opset") { Description = $"ai.onnx opset ({OnnxExportOptions.MinOpset}–{OnnxExportOptions.MaxOpset})", DefaultValueFactory = _ => 17 };
        var nhwc = new Option<bool>("--nhwc") { Description = "N×H×W×C input (and per-class output), as Holoscan's InferenceOp feeds; default N×C×H×W" };
        var dynamicBatch = new Option<bool>("--dynamic-batch") { Description = "Symbolic batch dimension N (default: fixed batch 1)" };
        var head = new Option<string>("--head") { Description = "probs: class probabilities; labels: uint8 labels + foreground probability; logits: raw", DefaultValueFactory = _ => "probs" };
        var threshold = CommonOptions.Threshold();
        var precision = new Option<string>("--precision")
        {
            Description = "fp32 (default) | int8: static QDQ graph (int8 per-channel conv weights, uint8 activations calibrated on training images) | bf16: refused (a bf16 graph does not load in ONNX Runtime's CPU provider; run the .ckpt with --precision bf16 instead)",
            DefaultValueFactory = _ => "fp32",
        };
        var calibration = SpecFlags.Calibration();
        var images = new Option<int>("--calibration-images") { Description = "int8: images calibrated on, spread over the data set", DefaultValueFactory = _ => CalibrationFrames.DefaultCount }.Between(1, 100000);
        var method = new Option<CalibrationMethod>("--calibration-method") { Description = "int8: MinMax (default) or Percentile (99.99 %, outliers clipped)", DefaultValueFactory = _ => CalibrationMethod.MinMax };
        var cmd = new Command("export-onnx", "Export a checkpoint as an ONNX model that runs on its own (ONNX Runtime, TensorRT, Holoscan, Triton)")
        {
            checkpoint, output, opset, nhwc, dynamicBatch, head, threshold, precision, calibration, images, method,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            string path = p.GetValue(output)!, ckpt = p.GetValue(checkpoint)!;
            var info = Model.Checkpoint.ReadInfo(ckpt);
            var options = new OnnxExportOptions
            {
                // A patch-trained checkpoint's graph takes its patch, tiled over the resized input as the .ckpt is.
                Window = UNetOnnxExporter.TrainedWindow(info),
                Opset = p.GetValue(opset),
                Layout = p.GetValue(nhwc) ? TensorLayout.Nhwc : TensorLayout.Nchw,
                DynamicBatch = p.GetValue(dynamicBatch),
                Head = ParseHead(p.GetValue(head)!),
                Threshold = p.GetValue(threshold),
            };
            var wanted = PrecisionSupport.Parse(p.GetValue(precision)!);
            // bf16 is offered on the TorchSharp engine only; a graph exported in it would not load where it is meant to run.
            if (wanted == EnginePrecision.Bf16)
                throw new NotSupportedException("--precision bf16 is not offered for export-onnx: ONNX Runtime's CPU execution provider has no bfloat16 kernels, so a bf16 .onnx " +
                                                "would not load (a bf16 Conv has no kernel); export fp32 or int8, or run the checkpoint with --precision bf16 on the TorchSharp engine");
            PrecisionSupport.Check(new EngineRequest { Model = ckpt, Engine = EngineKind.Onnx, Precision = wanted });
            var model = UNetOnnxExporter.ExportCheckpoint(ckpt, options);
            if (wanted == EnginePrecision.Int8)
                model = Int8Export.Quantize(model, ckpt, p.GetValue(calibration), options.Layout, p.GetValue(images), new QuantizationOptions { Method = p.GetValue(method) },
                                            static s => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(s)}[/]"));
            UNetOnnxExporter.Save(model, path);
            AnsiConsole.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/] ({new FileInfo(path).Length / 1024.0:F0} KiB, opset {options.Opset}, " +
                                   $"{options.Layout.ToString().ToUpperInvariant()}, {(options.DynamicBatch ? "dynamic batch" : $"batch {options.Batch}")}, " +
                                   $"{options.Head.ToString().ToLowerInvariant()} head, {QdqQuantizer.PrecisionOf(model)}, {model.Graph.Node.Count} nodes)");
            if (options.Window is { } window)
            {
                AnsiConsole.MarkupLine($"[grey]trained on {window}² patches: the graph takes a {window}×{window} window, cut from images resized to {info.Preprocess.Width}×{info.Preprocess.Height} " +
                                       "(medseg.inference: sliding-window, medseg.tiled_input), as the checkpoint is tiled[/]");
            }
            return Task.FromResult(CommandErrors.Ok);
        }));
        return cmd;
    }

    public static OutputHead ParseHead(string s) => s.ToLowerInvariant() switch
    {
        "probs" => OutputHead.Probs,
        "labels" => OutputHead.Labels,
        "logits" => OutputHead.Logits,
        _ => throw new ArgumentException($"--head '{s}': use probs, labels or logits"),
    };
}
