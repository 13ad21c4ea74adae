using MedSeg.Cli.Reports;
using System.CommandLine;
using MedSeg.Core.Recording;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>`medseg info FILE`: header, frame count, duration, fps, drops, sizes, and where a damaged or truncated file ends.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session file (.msgpack)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON instead of tables" };
        var cmd = new Command("info", "Describe a session file: header, frames, duration, fps, drops, sizes, truncation") { file, json };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() => Task.FromResult(Run(p.GetValue(file)!, p.GetValue(json)).ExitCode)));
        return cmd;
    }

    public static (int ExitCode, RecordingSummary Summary) Run(string path, bool json = false)
    {
        var s = RecordingSummary.Scan(path);
        if (json)
        {
            Console.Out.WriteLine(ReportJson.Serialize(s));
            return (CommandErrors.Ok, s);
        }
        var h = s.Header;
        var header = new Table().Title(Markup.Escape(path)).AddColumns("header", "value");
        header.AddRow("started (UTC)", $"{h.StartedUtc:u}");
        header.AddRow("source", Markup.Escape(h.Source));
        header.AddRow("frames", $"{h.Width}×{h.Height} {h.PixelFormat.Name()}, masks {h.MaskWidth}×{h.MaskHeight}");
        header.AddRow("model", Markup.Escape(h.Model is { } m ? $"{m.Name} ({m.Checkpoint}, sha256 {m.CheckpointSha256[..Math.Min(12, m.CheckpointSha256.Length)]}…)" : "none"));
        header.AddRow("classes", Markup.Escape(string.Join(", ", h.ClassNames.Select((n, i) => i < h.ClassColors.Count ? $"{n} {h.ClassColors[i]}" : n))));
        header.AddRow("encoding", $"images {h.ImageEncoding.ToString().ToLowerInvariant()}, masks {h.MaskEncoding.ToString().ToLowerInvariant()}, probabilities {(h.Probabilities ? "8-bit" : "no")}");
        header.AddRow("tags", Markup.Escape(string.Join(", ", h.Tags.Select(t => $"{t.Key}={t.Value}"))));
        header.AddRow("tool", Markup.Escape(h.Tool));
        AnsiConsole.Write(header);

        var body = new Table().AddColumns("content", "value");
        body.AddRow("frames", $"{s.Frames} (seq {s.FirstSeq}–{s.LastSeq})");
        body.AddRow("duration", $"{s.Duration.TotalSeconds:F3} s");
        body.AddRow("fps", $"{s.Fps:F2}");
        body.AddRow("drops", $"{s.MissingSeq} frame(s) missing from the sequence; {s.FramesAfterGap} frame(s) after a gap");
        body.AddRow("planes", $"{s.FramesWithLabels} with prediction, {s.FramesWithProbabilities} with probabilities, {s.FramesWithGroundTruth} with ground truth");
        body.AddRow("geometry", Markup.Escape(s.FramesWithGeometry == 0
            ? $"none: {(s.FormatVersion < 2 ? "a version 1 file (no geometry in the format)" : "the source gave no patient geometry (video, synthetic, image folder)")}"
            : $"{s.FramesWithGeometry} frame(s) in {s.Volumes} volume(s); first: {s.FirstGeometry.Describe()}"));
        body.AddRow("file", $"{s.FileBytes:N0} bytes; {s.BytesPerFrame / 1024:F1} KiB per frame, format version {s.FormatVersion}");
        if (s.Frames > 0)
            body.AddRow("per frame", $"image {s.ImageBytes / (double)s.Frames / 1024:F1} KiB, prediction {s.LabelBytes / (double)s.Frames:F0} B, " +
                                     $"probabilities {s.ProbabilityBytes / (double)s.Frames / 1024:F1} KiB, truth {s.GroundTruthBytes / (double)s.Frames:F0} B");
        body.AddRow("end", Markup.Escape(s.End.Clean ? s.End.Message : $"{s.End.Kind}: {s.End.Message}"));
        if (!s.End.Clean) body.AddRow("[yellow]truncated at[/]", $"byte {s.End.Offset} ({s.End.LostBytes} bytes after it not readable)");
        AnsiConsole.Write(body);
        return (CommandErrors.Ok, s);
    }
}
