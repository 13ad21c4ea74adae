using Google.Protobuf;
using MedSeg.Core.Inference;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MedSeg.Model.Onnx;

/// <summary>
/// A checkpoint as a self-contained ONNX model: batch norm folded into the convolutions, the
/// chosen head inside the graph and the whole <see cref="ModelContract"/> (classes, colours,
/// preprocessing, threshold, checkpoint hash) in <c>metadata_props</c>, so the .onnx file alone
/// is enough to run it — here, in a bare ONNX Runtime session, or in another framework.
/// </summary>
public static class UNetOnnxExporter
{
    public const string InputName = "image";

    /// <summary>Loads <paramref name="checkpoint"/> and exports it.</summary>
    public static ModelProto ExportCheckpoint(string checkpoint, OnnxExportOptions options)
    {
        var (model, info) = Checkpoint.Load(checkpoint);
        using (model) return Export(model, info, options, Checkpoint.Hash(checkpoint));
    }

    public static ModelProto Export(UNet model, CheckpointInfo info, OnnxExportOptions options, string checkpointSha256 = "")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        options.Validate();
        var whole = info.Preprocess;
        if (options.Window is { } window) info = info with { Preprocess = whole with { Width = window, Height = window } };
        var contract = Contract(info, options, checkpointSha256);
        // A window smaller than the input makes a patch model: its windows are cut from images
        // resized to the checkpoint's input, as the checkpoint's own tiler cuts them (WindowRule.ForGraph).
        if (info.Preprocess.Width < whole.Width || info.Preprocess.Height < whole.Height)
            contract = (contract with { Inference = InferenceMode.SlidingWindow, TiledInput = (whole.Width, whole.Height) }).Validate();

        // 1. The network the graph is written from: batch norm folded away (eval-mode statistics).
        var plain = model.Options.BatchNorm ? BatchNormFolding.Fold(model) : model;
        try
        {
            // 2. Input, in the chosen layout; an NHWC graph transposes to NCHW once, first.
            long? batch = options.DynamicBatch ? null : options.Batch;
            var g = new OnnxGraphBuilder("medseg_unet");
            long c = contract.Channels, h = contract.Height, w = contract.Width;
            bool nhwc = options.Layout == TensorLayout.Nhwc;
            g.Graph.Input.Add(OnnxGraphBuilder.Value(InputName, DataType.Float, nhwc ? [batch, h, w, c] : [batch, c, h, w]));
            string x = nhwc ? OnnxHeadWriter.FromNhwc(g, InputName) : InputName;

            // 3. The U-Net body, then the head.
            string logits = new UNetGraphWriter(g, plain).Write(x, contract.Height, contract.Width);
            OnnxHeadWriter.Write(g, logits, contract, batch);

            // 4. The model: opset, producer, contract as metadata.
            var proto = new ModelProto
            {
                IrVersion = options.IrVersion,
                ProducerName = "medseg",
                ProducerVersion = typeof(UNetOnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
                DocString = $"{contract.Model}; exported from checkpoint sha256 {checkpointSha256}",
                Graph = g.Graph,
            };
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
            foreach (var (key, value) in ModelContractMetadata.Write(contract))
                proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            return proto;
        }
        finally
        {
            if (!ReferenceEquals(plain, model)) plain.Dispose();
        }
    }

    /// <summary>
    /// The window `export-onnx` writes a checkpoint's graph for: a patch-trained checkpoint's patch
    /// (its windows over the resized input are then the .onnx's, so both give the same labels);
    /// null for a whole-image model, whose graph takes its whole input.
    /// </summary>
    public static int? TrainedWindow(CheckpointInfo info)
    {
        var plan = WindowRule.ForCheckpoint(info.Preprocess, info.Patch).For(null);
        return plan.Tiled ? plan.WindowWidth : null;
    }

    /// <summary>The contract an export of <paramref name="info"/> states.</summary>
    public static ModelContract Contract(CheckpointInfo info, OnnxExportOptions options, string checkpointSha256 = "") =>
        CheckpointContract.From(info, options.Threshold, checkpointSha256, options.Layout, options.Head);

    public static void Save(ModelProto model, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Core.IO.OutputFile.WriteReplacing(path, model.WriteTo);
    }
}
