using MedSeg.Cli.Commands;
using MedSeg.Cli.Reports;
using MedSeg.Pipeline.Session;
using MedSeg.Rendering;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;
using Spectre.Console;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// A session whose spec has a view (<c>sinks.view</c>): the pipeline on the thread pool, the
/// overlay viewer on this (the GL) thread taking the newest frame from the session's mailbox.
/// </summary>
/// <remarks>Several streams: a tiled view, one tile and HUD per stream, fed by <see cref="RunningSession.Mailboxes"/> in stream order.</remarks>
public static class ViewRunner
{
    public static int Run(SessionSpec spec, CancellationToken ct)
    {
        var view = spec.Sinks.View;
        // Refused at once and named, before the model loads and a window opens.
        CommonOptions.EnsureWritableFolder(view.Out, "output folder (--out, sinks.view.out)");
        string kind = SpecWords.ViewKind(view.Kind);
        using var surface = OpenSurface(kind, out bool windowed);
        AnsiConsole.MarkupLine($"[grey]{(windowed ? "window (Esc quits, space pauses, O overlay mode, +/− opacity, 1–9 classes, R pauses/resumes recording, S screenshot)" : "headless (EGL)")}[/]");

        using var session = SessionBuilder.Build(spec, CheckpointEngineLoader.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Started only once the viewer is ready and warm (below): the first frames must not wait on set-up.
        Task<Pipeline.PipelineReport>? run = null;
        // One tile per stream, each fed by its stream's mailbox (index = stream id).
        // Each tile's HUD also says what its source is doing and what it skipped.
        IFrameProvider[] providers = [.. session.Mailboxes.Select((m, i) => new DelegateFrameProvider(() => m.TryTake(out var f) ? f : null, () => run!.IsCompleted,
                                                                                               () => session.Pipeline.SourceStatusOf(i)))];

        string? video = view.Video is { Length: > 0 } v ? Path.Combine(view.Out, v) : null;
        PresentationSummary display;
        // Smooth edges threshold the probabilities in the shader: at the session's one threshold, as the labels were.
        using (var viewer = new OverlayViewer(surface, providers, new OverlaySettings { Threshold = (float)session.Engine.Threshold }, new OverlayViewerOptions
        {
            ModelName = Path.GetFileNameWithoutExtension(spec.Engine.Model), Device = session.Engine.Engine.Description.Device,
            SnapshotEvery = view.SnapshotEvery, SnapshotDirectory = view.Out, ScreenshotDirectory = view.Out,
            VideoPath = video, VideoFps = view.VideoFps, ExitWhenSourceCompletes = true,
            // Draw only what changed: on 2 cores every redraw of an unchanged picture is taken from
            // inference. Between frames the loop sleeps in 1 ms steps (a frame waits ≤ 1 ms more).
            IdleWait = TimeSpan.FromMilliseconds(1),
        }))
        {
            // Window and headless alike draw as soon as a new frame arrives: a fixed 60 Hz step
            // held each frame up to 16.7 ms (8 on average) before it reached the screen.
            viewer.IsFixedTimeStep = false;
            // Sessions record from the start; R pauses and resumes them (one file each, with a gap).
            viewer.IsRecording = session.Recorders.Count > 0;
            viewer.RecordingToggled += on =>
            {
                foreach (var recorder in session.Recorders) recorder.Paused = !on;
            };
            // The pipeline's code paths, shaders, the draw path's JIT and the read-back buffers are
            // made before the clock starts, and set-up's garbage is collected: neither lands on the first live frames.
            session.WarmUp(ct: ct);
            viewer.WarmUp(session.Engine.Preprocess.Width, session.Engine.Preprocess.Height);
            using (new QuietGcScope())
            {
                var jit = Core.Timing.JitActivity.Start();
                var steal = Core.Timing.CpuSteal.Start();
                run = Task.Run(() => session.RunAsync(stop.Token), CancellationToken.None);
                viewer.Run();
                display = viewer.Summarize() with { Jit = jit.Since(), Steal = steal?.Since() };
            }
        }

        // The window may close first (Esc): stop the sources, drain, report.
        stop.Cancel();
        Pipeline.PipelineReport report;
        try
        {
            report = run!.GetAwaiter().GetResult();
        }
        catch (Pipeline.PipelineException e)
        {
            // The partial report first; the error contract prints the one error line last.
            if (e.Report is { } partial) PipelineReportWriter.Print(partial);
            throw;
        }
        PipelineReportWriter.Print(report);
        var onScreen = display.CaptureToScreen;
        AnsiConsole.MarkupLine($"on screen: presented {display.FramesPresented} frames ({display.FramesNotShown} never shown); " +
                               $"capture → screen median {onScreen.Median:F1} ms, p99 {onScreen.P99:F1} ms, max {onScreen.Max:F1} ms");
        if (display.Jit is { } compiled)
            AnsiConsole.MarkupLine($"JIT while the frames were shown: {compiled.MethodsCompiled} methods compiled, {compiled.CompileMs:F0} ms of compile time (on any thread)");
        // A shared VM's host can take a round's CPU: then its latency says nothing about this program.
        if (display.Steal is { } stolen)
            AnsiConsole.MarkupLine($"CPU taken by the VM's host (steal) while the frames were shown: {stolen.StolenMs:F0} ms, {stolen.Share * 100:F1} % of the machine's CPU time" +
                                   (stolen.Share >= 0.01 ? " [yellow](a noisy host: latency figures from this round are not comparable with a quiet one's)[/]" : ""));
        if (display.Capture is { } captured)
            AnsiConsole.MarkupLine($"captures (video, PNGs): {captured.Written} written, {captured.Dropped} dropped by the encoder queue, " +
                                   $"{captured.Skipped} skipped (read-back ring full), {captured.Failed} failed");
        if (spec.Report.Path is { } reportPath) PipelineReportWriter.Save(reportPath, report, display);
        SessionRunner.Finish(session);
        AnsiConsole.MarkupLine($"outputs in {Markup.Escape(view.Out)}: overlay PNGs" + (video is null ? "" : $", {Markup.Escape(Path.GetFileName(video))}") +
                               (spec.Report.Path is { } p ? $", {Markup.Escape(Path.GetFileName(p))}" : "") +
                               string.Concat(session.Recorders.Select(r => $", {Markup.Escape(Path.GetFileName(r.Path))} ({r.Frames} frames" +
                                   (r.SkippedWhilePaused > 0 ? $", {r.SkippedWhilePaused} not recorded while paused with R" : "") +
                                   $"; `medseg score {Markup.Escape(r.Path)}` scores it against its ground truth)")));
        return report.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
    }

    /// <summary>A window when asked for (or auto) and a display answers; otherwise the same renderer off-screen.</summary>
    private static IRenderSurface OpenSurface(string kind, out bool windowed)
    {
        windowed = false;
        if (kind != "headless" && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")))
        {
            try
            {
                var window = GlfwWindow.Create(1024, 768, "MedSeg.Realtime", vsync: true);
                windowed = true;
                return window;
            }
            catch (GraphicsUnavailableException e) when (kind == "auto")
            {
                AnsiConsole.MarkupLine($"[yellow]no window ({Markup.Escape(e.Message)}); rendering headless[/]");
            }
        }
        else if (kind == "window") throw new GraphicsUnavailableException("sinks.view.kind is window but DISPLAY is not set");
        return HeadlessRenderTarget.Create(512, 512);
    }
}
