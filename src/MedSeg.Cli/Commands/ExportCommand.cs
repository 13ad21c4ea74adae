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
        var cmd = new Command("export", "Export a session's frames and masks (ground truth or predictions) to the paired images/ + masks/ layout")
        {
            file, output, masks,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() => Task.FromResult(Run(p.GetValue(file)!, p.GetValue(output)!, p.GetValue(masks), ct))));
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
        if (!data.End.Clean) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(data.End.Message)}");
        AnsiConsole.MarkupLine($"exported [bold]{data.Count}[/] frames ({masks.ToString().ToLowerInvariant()} masks) to {Markup.Escape(outDir)}; " +
                               $"train with: medseg train --data {Markup.Escape(outDir)}");
        return CommandErrors.Ok;
    }
}
