using System.Text.Json;
using MedSeg.Pipeline;
using MedSeg.Rendering.Hud;
using Spectre.Console;

namespace MedSeg.Cli.Reports;

/// <summary>The final pipeline report: terminal tables and JSON.</summary>
public static class PipelineReportWriter
{
    public static void Save(string path, PipelineReport report)
    {
        ReportJson.Save(path, report);
    }

    /// <summary>The pipeline report with a "display" section: what reached the screen and how late.</summary>
    public static void Save(string path, PipelineReport report, PresentationSummary display)
    {
        var json = JsonSerializer.SerializeToNode(report, ReportJson.Options)!.AsObject();
        json["display"] = JsonSerializer.SerializeToNode(display, ReportJson.Options);
        ReportJson.Save(path, json);
    }

    public static void Print(PipelineReport r)
    {
        AnsiConsole.MarkupLine($"[bold]{r.FramesOut}[/] of {r.FramesIn} frames processed in {r.Duration.TotalSeconds:F1} s " +
                               $"({r.FpsIn:F1} fps in, {r.FpsOut:F1} fps out); dropped {r.FramesDropped}, bad {r.FramesBad}, " +
                               $"discarded {r.FramesDiscarded}; {r.Batches} batches, mean {r.MeanBatch:F2} " +
                               $"(closed by size {r.BatchesBySize}, by time {r.BatchesByTime}, at end {r.BatchesByEnd})");
        var lat = new Table().Title("latency (ms, after warm-up)").AddColumns("stage", "n", "median", "p90", "p99", "max", "tail", "flatness");
        foreach (var s in r.Latency)
            lat.AddRow(Markup.Escape(s.Name), $"{s.Count}", $"{s.Median:F2}", $"{s.P90:F2}", $"{s.P99:F2}", $"{s.Max:F2}", $"{s.Tail:F2}", $"{s.Flatness:F2}");
        AnsiConsole.Write(lat);
        if (r.Streams.Count > 1)
        {
            var streams = new Table().Title("streams (one model)").AddColumns("stream", "source", "mode", "in", "out", "processed %", "dropped", "e2e median", "e2e p99");
            foreach (var s in r.Streams)
                streams.AddRow($"{s.Stream}", Markup.Escape(s.Source), $"{s.Mode}", $"{s.FramesIn}", $"{s.FramesOut}", $"{s.ProcessedPercent:F1}", $"{s.Dropped}",
                               $"{s.EndToEnd.Median:F2}", $"{s.EndToEnd.P99:F2}");
            AnsiConsole.Write(streams);
        }
        var edges = new Table().Title("channels").AddColumns("edge", "policy", "capacity", "written", "dropped");
        foreach (var e in r.Edges) edges.AddRow(Markup.Escape(e.Name), $"{e.Policy}", $"{e.Capacity}", $"{e.Written}", $"{e.Dropped}");
        foreach (var s in r.Sinks) edges.AddRow(Markup.Escape($"sink {s.Name}"), $"{s.Policy}", $"{s.Capacity}", $"{s.Delivered}", $"{s.Dropped}" + (s.Stalls > 0 ? $" ({s.Stalls} stalls, {s.StallMs:F0} ms)" : ""));
        AnsiConsole.Write(edges);
        foreach (var (reason, count) in r.BadFrameReasons) AnsiConsole.MarkupLine($"[yellow]bad frames[/] {reason}: {count}");
        foreach (var b in r.BadFrameExamples.Take(5)) AnsiConsole.MarkupLine($"  {Markup.Escape(b.ToString())}");
        if (r.SourceSkipped > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]source skipped[/] {r.SourceSkipped} item(s):");
            foreach (var s in r.SourceSkippedExamples) AnsiConsole.MarkupLine($"  {Markup.Escape(s.Item)}: {Markup.Escape(s.Reason)}");
            if (r.SourceSkipped > r.SourceSkippedExamples.Count) AnsiConsole.MarkupLine($"  … and {r.SourceSkipped - r.SourceSkippedExamples.Count} more (see the log)");
        }
        foreach (var e in r.SourceEvents) AnsiConsole.MarkupLine($"[grey]source:[/] {Markup.Escape(e)}");
        if (r.SourceStatus is { } status) AnsiConsole.MarkupLine($"source at the end: {Markup.Escape(status)}");
        foreach (var w in r.Warnings) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        if (r.Fault is { } f) AnsiConsole.MarkupLine($"[red]fault:[/] {Markup.Escape(f)}");
    }
}
