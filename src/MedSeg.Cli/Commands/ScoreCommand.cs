using System.CommandLine;
using MedSeg.Cli.Reports;
using MedSeg.Core.Metrics;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Io;
using MedSeg.Imaging.Recording;
using OpenCvSharp;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

public sealed record ScoreOptions
{
    public required string Session { get; init; }
    /// <summary>Score against this session's predictions (matched by seq) instead of the stored ground truth.</summary>
    public string? Against { get; init; }
    /// <summary>Score against masks in this folder (frame-000042.png, as `medseg export` writes them).</summary>
    public string? Masks { get; init; }
    /// <summary>Output folder for score.json and iou.png; default: beside the session, FILE-score/.</summary>
    public string? OutDir { get; init; }
    public bool Hd95 { get; init; }
    /// <summary>Pooled (medpy, default) or DirectedMaximum (MONAI); named in the report.</summary>
    public Hd95Convention Hd95Convention { get; init; }
}

/// <summary>`medseg score FILE`: IoU, Dice, precision, recall per frame, per class and aggregate; JSON, table and an IoU-over-time plot.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session file whose predictions are scored" };
        var against = new Option<string?>("--against") { Description = "Reference: another session's predictions (matched by frame seq)" };
        var masks = new Option<string?>("--masks") { Description = "Reference: a folder of masks named frame-NNNNNN.png (class ids; 0/255 for binary)" };
        var output = new Option<string?>("--out") { Description = "Output folder (default: FILE-score beside the session)" };
        var hd95 = new Option<bool>("--hd95") { Description = "Also compute HD95 (slower: two distance transforms per class and frame)" };
        var convention = new Option<string>("--hd95-convention")
        {
            Description = "pooled: both directed distance sets pooled, then the 95th percentile (medpy hd95); monai: the larger directed 95th percentile (MONAI)",
            DefaultValueFactory = _ => "pooled",
        };
        convention.AcceptOnlyFromAmong("pooled", "monai");
        var cmd = new Command("score", "Score a session's predictions against its stored ground truth, another session (--against) or a mask folder (--masks)")
        {
            file, against, masks, output, hd95, convention,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() => Task.FromResult(Run(new ScoreOptions
        {
            Session = p.GetValue(file)!, Against = p.GetValue(against), Masks = p.GetValue(masks), OutDir = p.GetValue(output), Hd95 = p.GetValue(hd95),
            Hd95Convention = p.GetValue(convention) == "monai" ? Hd95Convention.DirectedMaximum : Hd95Convention.Pooled,
        }, ct).ExitCode)));
        return cmd;
    }

    public static (int ExitCode, ScoreReport Report) Run(ScoreOptions o, CancellationToken ct)
    {
        if (o.Against is not null && o.Masks is not null) throw new ArgumentException("pass either --against or --masks, not both");
        var readerOptions = new RecordingReaderOptions { Png = PngImageCodec.Instance };
        using var reader = RecordingReader.Open(o.Session, readerOptions);
        var classes = reader.Header.ClassNames;
        double threshold = reader.Header.Model?.Threshold ?? 0.5;
        SessionScorer scorer;
        string reference;
        var f = new FrameRecord();
        if (o.Against is { } other)
        {
            scorer = new SessionScorer(classes, o.Hd95, o.Hd95Convention, threshold);
            using var otherReader = RecordingReader.Open(other, readerOptions);
            // Class ids must mean the same; names may differ (a model retrained on an export calls "lesion" "foreground").
            if (otherReader.Header.ClassNames.Count != classes.Count)
                throw new ArgumentException($"{other} has {otherReader.Header.ClassNames.Count} classes ({string.Join(", ", otherReader.Header.ClassNames)}), " +
                                            $"{o.Session} has {classes.Count} ({string.Join(", ", classes)})");
            var bySeq = new Dictionary<long, long>();
            var probe = new FrameRecord();
            while (otherReader.ReadNext(probe, FramePlanes.None))
                if (probe.HasLabels) bySeq.TryAdd(probe.Seq, probe.Offset);
            var theirs = new FrameRecord();
            while (reader.ReadNext(f, FramePlanes.Labels | FramePlanes.Probabilities))
            {
                ct.ThrowIfCancellationRequested();
                if (!f.HasLabels || !bySeq.TryGetValue(f.Seq, out long at)) { scorer.Skip(); continue; }
                otherReader.ReadAt(at, theirs, FramePlanes.Labels);
                scorer.Add(f, theirs.Labels, theirs.MaskWidth, theirs.MaskHeight);
            }
            reference = $"session {other}";
        }
        else if (o.Masks is { } dir)
        {
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"mask folder not found: {dir}");
            string folder = Directory.Exists(Path.Combine(dir, "masks")) ? Path.Combine(dir, "masks") : dir;
            // One listing for the whole session: frame id (the name up to its first '.') → the
            // first such file in natural order.
            var masksById = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string file in ImageFiles.List(folder))
            {
                string name = Path.GetFileName(file);
                if (name.IndexOf('.') is > 0 and int dot) masksById.TryAdd(name[..dot], file);
            }
            scorer = new SessionScorer(classes, o.Hd95, o.Hd95Convention, threshold);
            while (reader.ReadNext(f, FramePlanes.Labels | FramePlanes.Probabilities))
            {
                ct.ThrowIfCancellationRequested();
                if (!f.HasLabels || !masksById.TryGetValue(RecordingFormat.FrameId(f.Seq), out string? mask)) { scorer.Skip(); continue; }
                using Mat m = classes.Count == 2 ? ImageIo.ReadMask(mask) : ImageIo.ReadLabels(mask);
                if (f.Geometry.Sector is { } sector && (sector.Width, sector.Height) == (m.Width, m.Height)) scorer.UseSector(sector);
                scorer.Add(f, m.AsSpan<byte>(), m.Width, m.Height);
            }
            reference = $"masks {dir}";
        }
        else
        {
            scorer = SessionScorer.AgainstStoredTruth(reader, o.Hd95, ct, o.Hd95Convention);
            reference = "stored ground truth";
        }
        if (scorer.FromProbabilities > 0)
            AnsiConsole.MarkupLine($"[grey]{scorer.FromProbabilities} frames of another size than their reference: scored from probabilities resampled to it (threshold {threshold:G3})[/]");
        foreach (string problem in scorer.Problems) AnsiConsole.MarkupLine($"[yellow]skipped:[/] {Markup.Escape($"{o.Session} {problem}")}");
        if (scorer.Frames.Count == 0)
            throw new ArgumentException($"{o.Session}: no frame could be scored against {reference} ({scorer.Skipped} frames without prediction or reference" +
                                        (scorer.Problems.Count > 0 ? $"; first: {scorer.Problems[0]}" : "") + ")");

        var report = ScoreReport.From(o.Session, reference, reader.Header.Model, scorer, reader.End!);
        string outDir = o.OutDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(o.Session))!, Path.GetFileNameWithoutExtension(o.Session) + "-score");
        string json = Path.Combine(outDir, "score.json"), png = Path.Combine(outDir, "iou.png");
        report.Save(json);
        report.Plot(png);
        report.Print();
        if (!reader.End!.Clean) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(reader.End.Message)}");
        AnsiConsole.MarkupLine($"report: {Markup.Escape(json)}   plot: {Markup.Escape(png)}");
        return (CommandErrors.Ok, report);
    }
}
