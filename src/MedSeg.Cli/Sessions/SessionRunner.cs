using MedSeg.Cli.Commands;
using MedSeg.Cli.Reports;
using MedSeg.Pipeline;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Session;
using Spectre.Console;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// Runs any <see cref="SessionSpec"/>: builds it with <see cref="SessionBuilder"/>, then either
/// on the console (status line every second, final report) or, when the spec has a view, with
/// the overlay viewer on this thread. Every streaming command ends here.
/// </summary>
public static class SessionRunner
{
    /// <summary>Prints the spec (when asked) or runs it; the exit code.</summary>
    public static async Task<int> PrintOrRunAsync(SessionSpec spec, bool printSpec, CancellationToken ct)
    {
        spec.Validate();
        if (printSpec)
        {
            Console.Out.Write(SessionSpecFile.ToYaml(spec));
            return CommandErrors.Ok;
        }
        // A window must live on the thread that made it: the viewer runs synchronously on this one.
        if (spec.Sinks.View.Enabled) return ViewRunner.Run(spec, ct);
        var report = await RunConsoleAsync(spec, ct).ConfigureAwait(false);
        return report.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
    }

    public static async Task<PipelineReport> RunConsoleAsync(SessionSpec spec, CancellationToken ct)
    {
        using var session = SessionBuilder.Build(spec, CheckpointEngineLoader.Instance);
        var pipeline = session.Pipeline;
        var o = pipeline.Options;
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(string.Join(" | ", session.Sources.Select(s => s.Description)))} → " +
                               $"{Markup.Escape(session.Engine.Engine.Description.Model)} on {session.Engine.Engine.Description.Device}, " +
                               $"{o.Mode} mode, batch ≤ {o.MaxBatch} / {o.EffectiveMaxWait.TotalMilliseconds} ms[/]");
        // The first live frames must not pay for the JIT and first allocations of every stage.
        session.WarmUp(ct: ct);
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var run = session.RunAsync(ct);
        var status = Task.Run(async () =>
        {
            while (!run.IsCompleted && await ticker.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
                if (!run.IsCompleted && spec.Report.Status) AnsiConsole.MarkupLine(Markup.Escape(pipeline.Snapshot().ToString()));
        }, CancellationToken.None);
        PipelineReport report;
        try
        {
            report = await run.ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            ticker.Dispose();
            // The partial report first; the error contract prints the one error line last.
            if (e.Report is { } partial) PipelineReportWriter.Print(partial);
            throw;
        }
        ticker.Dispose();
        await status.ConfigureAwait(false);
        PipelineReportWriter.Print(report);
        if (spec.Report.Path is { } path) PipelineReportWriter.Save(path, report);
        Finish(session);
        return report;
    }

    /// <summary>What every run says at the end: replays that ended early, what each recorder wrote.</summary>
    internal static void Finish(RunningSession session)
    {
        if (session.LeaseMisuses > 0) AnsiConsole.MarkupLine($"[red]bug:[/] {session.LeaseMisuses} frame lease(s) released twice or after reuse (counted, not freed)");
        foreach (var source in session.Sources)
            if (source is RecordingSource { End: { Clean: false } end } replayed) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(replayed.Path)}: {Markup.Escape(end.Message)}");
        foreach (var recorder in session.Recorders) PrintRecorded(recorder);
    }

    private static void PrintRecorded(SessionRecorder recorder) =>
        AnsiConsole.MarkupLine($"recorded [bold]{recorder.Frames}[/] frames to {Markup.Escape(recorder.Path)}: {recorder.Bytes / 1024.0:F1} KiB" +
                               (recorder.Frames > 0 ? $", {recorder.Bytes / (double)recorder.Frames / 1024.0:F1} KiB per frame" : ""));
}
