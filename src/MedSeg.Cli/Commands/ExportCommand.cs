using System.CommandLine;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Io;
using MedSeg.Imaging.Recording;
using OpenCvSharp;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg export FILE --out DIR`: the paired-folder layout `medseg train` reads —
/// images/frame-NNNNNN.png (.tif for int16 / float32), masks/frame-NNNNNN.png (0/255 for binary
/// tasks, class ids plus classes.txt for multi-class ones).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session file (.msgpack)" };
        var output = new Option<string>("--out") { Description = "Output folder (images/, masks/, classes.txt)", Required = true };
        var masks = new Option<RecordingMasks>("--masks") { Description = "Truth: the stored ground truth; Predictions: the recorded model's masks", DefaultValueFactory = _ => RecordingMasks.Truth };
        var format = new Option<string>("--format")
        {
            Description = "png: the paired images/ + masks/ layout; nifti: a label volume per recorded series with the scan's affine; dicom-seg: a DICOM Segmentation per series",
            DefaultValueFactory = _ => VolumeExport.Png,
        };
        format.AcceptOnlyFromAmong(VolumeExport.Png, VolumeExport.Nifti, VolumeExport.DicomSeg);
        var reference = new Option<string?>("--reference") { Description = "dicom-seg: the source DICOM series (folder or file) to copy patient and study attributes from" };
        var fractional = new Option<bool>("--fractional") { Description = "dicom-seg of a binary model's predictions: FRACTIONAL (probability) segments from the recorded probabilities" };
        var cmd = new Command("export", "Export a session's frames and masks (ground truth or predictions): paired images/ + masks/, NIfTI label volumes or DICOM SEG")
        {
            file, output, masks, format, fractional, reference,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() => Task.FromResult(p.GetValue(format) is VolumeExport.Png or null
            ? Run(p.GetValue(file)!, p.GetValue(output)!, p.GetValue(masks), ct)
            : VolumeExport.Run(p.GetValue(file)!, p.GetValue(output)!, p.GetValue(masks), p.GetValue(format)!, p.GetValue(fractional), p.GetValue(reference)))));
        return cmd;
    }

    public static int Run(string session, string outDir, RecordingMasks masks, CancellationToken ct)
    {
        using var data = new RecordingDataset(session, masks);
        string images = Path.Combine(outDir, "images"), maskDir = Path.Combine(outDir, "masks");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(maskDir);
        bool binary = data.ClassNames.Count == 2;
        var format = data.Header.PixelFormat;
        // PNG holds neither signed nor float samples; TIFF keeps them exactly.
        string imageExt = format is PixelFormat.Int16 or PixelFormat.Float32 ? ".tif" : ".png";
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"exporting {data.Count} frames", maxValue: data.Count);
            for (int i = 0; i < data.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                using var sample = data.Load(i);
                ImageIo.WritePng(Path.Combine(images, sample.Id + imageExt), sample.Image);
                if (binary)
                {
                    using var visible = new Mat();
                    Cv2.Threshold(sample.Mask, visible, 0, 255, ThresholdTypes.Binary);
                    ImageIo.WritePng(Path.Combine(maskDir, sample.Id + ".png"), visible);
                }
                else ImageIo.WritePng(Path.Combine(maskDir, sample.Id + ".png"), sample.Mask);
                task.Increment(1);
            }
        });
        if (!binary) ClassNamesFile.Write(Path.Combine(outDir, ClassNamesFile.FileName), data.ClassNames);
        if (!data.End.Clean) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(session)}: {Markup.Escape(data.End.Message)}");
        AnsiConsole.MarkupLine($"exported [bold]{data.Count}[/] frames ({masks.ToString().ToLowerInvariant()} masks) to {Markup.Escape(outDir)}; " +
                               $"train with: medseg train --data {Markup.Escape(outDir)}");
        return CommandErrors.Ok;
    }
}
