using MedSeg.Core.Metrics;
using MedSeg.Core.Recording;
using Spectre.Console;

namespace MedSeg.Cli.Reports;

/// <summary>The JSON report of `medseg score`: per frame, per class and aggregate, with the conventions of `eval`.</summary>
/// <param name="Reference">"stored ground truth", "session OTHER" or "masks DIR".</param>
/// <param name="Skipped">Frames without a prediction or a reference mask.</param>
/// <param name="End">How the readable part of the session ends (a truncated one is scored up to its last complete frame).</param>
public sealed record ScoreReport(
    string Session, string Reference, string? Model, int Frames, long Skipped, MetricsSummary Summary,
    IReadOnlyList<ScoredFrame> PerFrame, string End, IReadOnlyList<string> Conventions)
{
    public static ScoreReport From(string session, string reference, RecordedModel? model, SessionScorer scorer, RecordingEnd end) => new(
        Path.GetFullPath(session), reference, model?.Name, scorer.Frames.Count, scorer.Skipped, scorer.Summarize(),
        scorer.Frames.Select(ScoredFrame.From).ToList(), end.Message,
        [.. EvalReport.StandardConventions, HausdorffDistance.Describe(scorer.Convention),
         "Predictions of another size than the reference are resampled to the reference's grid (nearest at pixel centres, OpenCV INTER_NEAREST_EXACT), the rule export uses; frames with an ultrasound sector are scored inside it only."]);

    public void Save(string path)
    {
        ReportJson.Save(path, this);
    }

    public static ScoreReport Load(string path) =>
        ReportJson.Load<ScoreReport>(path);

    public void Print()
    {
        var s = Summary;
        var t = new Table().Title($"{Markup.Escape(Path.GetFileName(Session))} vs {Markup.Escape(Reference)} ({Frames} frames)")
            .AddColumns("class", "IoU", "Dice", "precision", "recall", "pooled IoU", "both empty");
        foreach (var c in s.Classes)
            t.AddRow(Markup.Escape(c.Name), $"{c.IouMean:F4} ± {c.IouStd:F4}", $"{c.DiceMean:F4} ± {c.DiceStd:F4}", $"{c.PrecisionMean:F4}",
                     $"{c.RecallMean:F4}", $"{c.PooledIou:F4}", $"{c.BothEmptyCount}");
        t.AddRow("[bold]mean[/]", $"[bold]{s.MeanIou:F4}[/]", $"[bold]{s.MeanDice:F4}[/]", $"{s.MeanPrecision:F4}", $"{s.MeanRecall:F4}", "", "");
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"pixel accuracy {s.PixelAccuracy:F4}" + (Skipped > 0 ? $"; {Skipped} frame(s) without prediction or reference skipped" : ""));
    }

    /// <summary>IoU of each foreground class (and the mean) over the stream's own time.</summary>
    public void Plot(string path)
    {
        var plot = new ScottPlot.Plot();
        double[] t = PerFrame.Select(static f => f.TimestampSeconds).ToArray();
        if (t.Length > 0)
        {
            for (int k = 0; k < Summary.Classes.Count; k++)
            {
                int idx = k;
                var line = plot.Add.Scatter(t, PerFrame.Select(f => f.Classes[idx].Iou).ToArray());
                line.LegendText = $"IoU {Summary.Classes[k].Name}";
            }
            if (Summary.Classes.Count > 1) plot.Add.Scatter(t, PerFrame.Select(static f => f.MeanIou).ToArray()).LegendText = "mean IoU";
        }
        plot.Title($"IoU over time — {Path.GetFileName(Session)}");
        plot.XLabel("stream time (s)");
        plot.YLabel("IoU");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        PlotFile.SavePng(plot, path, 900, 450);
    }
}

public sealed record ScoredFrame(long Seq, double TimestampSeconds, double PixelAccuracy, double MeanIou, IReadOnlyList<EvalClass> Classes)
{
    public static ScoredFrame From(FrameScore s) => new(s.Seq, s.Timestamp.TotalSeconds, s.Metrics.PixelAccuracy, s.Metrics.MeanIou,
        s.Metrics.Classes.Select(static c => new EvalClass(c.ClassId, c.Iou, c.Dice, c.Precision, c.Recall, c.Hd95, c.BothEmpty)).ToList());
}
