using System.CommandLine;
using MedSeg.Cli.Reports;
using MedSeg.Core.Frames;
using MedSeg.Model;
using MedSeg.Pipeline;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Rendering;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg demo`: the README's first command. A synthetic ultrasound-like sequence (moving lesions,
/// exact ground truth) streams through the whole pipeline with the model that ships in models/,
/// and the overlay is drawn with OpenGL: in a window when there is a display, headless (EGL)
/// otherwise. Leaves overlay PNGs, an MP4, the latency report and the recorded session in --out.
/// </summary>
public static class DemoCommand
{
    public const string DefaultModel = "models/lesion-unet16.ckpt";

    public static Command Create()
    {
        var headless = new Option<bool>("--headless") { Description = "Render off-screen (EGL) even when a display is available" };
        var frames = new Option<int>("--frames") { Description = "Frames to stream (0 = until Esc; headless default 250)", DefaultValueFactory = _ => -1 }.Between(-1, int.MaxValue);
        var fps = new Option<double>("--fps") { Description = "Source frame rate (0: as fast as possible)", DefaultValueFactory = _ => 25 }.Between(0.0, 1000);
        var model = new Option<string>("--model") { Description = "Checkpoint", DefaultValueFactory = _ => DefaultModel };
        var output = CommonOptions.Out("out/demo");
        var snapshotEvery = new Option<int>("--snapshot-every") { Description = "Save an overlay PNG every N frames", DefaultValueFactory = _ => 50 }.Between(0, int.MaxValue);
        var device = CommonOptions.Device();
        // Leave a core to the renderer, the source and the video encoder: inference never waits on
        // the display, and on a 2-core machine that only holds if they don't fight for the same cores.
        var threads = CommonOptions.StreamingThreads();
        var engineKind = CommonOptions.Engine();
        var cmd = new Command("demo", "Live demo: synthetic ultrasound through the real-time pipeline with OpenGL overlays (window, or headless without a display)")
        {
            headless, frames, fps, model, output, snapshotEvery, device, threads, engineKind,
        };
        // Synchronous on purpose: a GLFW window must live on the main thread, and the action runs on
        // the caller's thread until its first await.
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() => Task.FromResult(Run(new DemoOptions
        {
            Headless = p.GetValue(headless), Frames = p.GetValue(frames), Fps = p.GetValue(fps), Model = ResolveModel(p.GetValue(model)!),
            OutDir = p.GetValue(output)!, SnapshotEvery = p.GetValue(snapshotEvery), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
            Engine = p.GetValue(engineKind),
        }, ct))));
        return cmd;
    }

    public sealed record DemoOptions
    {
        public bool Headless { get; init; }
        public int Frames { get; init; } = -1;
        public double Fps { get; init; } = 25;
        public required string Model { get; init; }
        public required string OutDir { get; init; }
        public int SnapshotEvery { get; init; } = 50;
        public string Device { get; init; } = "auto";
        public int Threads { get; init; }
        public Engines.EngineKind Engine { get; init; } = Engines.EngineKind.Auto;
    }

    public static int Run(DemoOptions o, CancellationToken ct)
    {
        Directory.CreateDirectory(o.OutDir);
        using var surface = OpenSurface(o.Headless, out bool windowed);
        int frames = o.Frames >= 0 ? o.Frames : windowed ? 0 : 250;
        AnsiConsole.MarkupLine($"[grey]{(windowed ? "window (Esc quits, space pauses, O overlay mode, +/− opacity, 1–9 classes, R pauses/resumes recording, S screenshot)" : "headless (EGL)")}; " +
                               $"{(frames > 0 ? $"{frames} frames" : "until Esc")} at {o.Fps} fps[/]");

        // 1. Engine and source: the shipped model; a live-like synthetic ultrasound sequence.
        using var engine = Engines.EngineFactory.Create(new Engines.EngineRequest { Model = o.Model, Engine = o.Engine, Device = o.Device, Threads = o.Threads, MaxBatch = 2 }, StreamCommand.Say);
        using var pool = new FramePool();
        var size = engine.Description.Width;
        // A pre-rendered 10 s cine loop keeps the phantom renderer off the streaming path.
        var source = new SyntheticSource(new SyntheticSourceOptions { Fps = o.Fps, Frames = frames, Size = size, Loop = 250 }, pool);
        source.Prerender(ct);

        // 2. Pipeline on the thread pool; the render loop on this (the GL) thread takes the newest frame.
        using var mailbox = new RenderMailbox();
        string session = Path.Combine(o.OutDir, "session.msgpack");
        var recorder = RecordCommand.CreateRecorder(session, overwrite: true, o.Model, engine, source, new Core.Recording.RecordingWriterOptions(),
                                                    new Dictionary<string, string> { ["app"] = "medseg demo" });
        var pipeline = PipelineBuilder.Build(new PipelineOptions { Mode = PipelineMode.Newest, MaxBatch = 2 }, engine, source, [mailbox, recorder]);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => pipeline.RunAsync(stop.Token), CancellationToken.None);
        var provider = new DelegateFrameProvider(() => mailbox.TryTake(out var f) ? f : null, () => run.IsCompleted);

        string video = Path.Combine(o.OutDir, "overlay.mp4");
        PresentationSummary display;
        // Smooth edges threshold the probabilities in the shader: at the checkpoint's threshold, as the labels were.
        using (var viewer = new OverlayViewer(surface, provider, new OverlaySettings { Threshold = (float)engine.Contract.Threshold }, new OverlayViewerOptions
        {
            ModelName = Path.GetFileNameWithoutExtension(o.Model), Device = engine.Description.Device,
            SnapshotEvery = o.SnapshotEvery, SnapshotDirectory = o.OutDir, ScreenshotDirectory = o.OutDir,
            VideoPath = video, VideoFps = o.Fps > 0 ? o.Fps : 25, ExitWhenSourceCompletes = true,
            // Draw only what changed: on 2 cores every redraw of an unchanged picture is taken from
            // inference. Between frames the loop sleeps in 1 ms steps (a frame waits ≤ 1 ms more).
            IdleWait = TimeSpan.FromMilliseconds(1),
        }))
        {
            // Window and headless alike draw as soon as a new frame arrives: a fixed 60 Hz step
            // held each frame up to 16.7 ms (8 on average) before it reached the screen.
            viewer.IsFixedTimeStep = false;
            // The session records from the start; R pauses and resumes it (one file, with a gap).
            viewer.IsRecording = true;
            viewer.RecordingToggled += on => recorder.Paused = !on;
            viewer.Run();
            display = viewer.Summarize();
        }

        // 3. The window may close first (Esc): stop the source, drain, report.
        stop.Cancel();
        var report = run.GetAwaiter().GetResult();
        PipelineReportWriter.Print(report);
        var onScreen = display.CaptureToScreen;
        AnsiConsole.MarkupLine($"on screen: presented {display.FramesPresented} frames ({display.FramesNotShown} never shown); " +
                               $"capture → screen median {onScreen.Median:F1} ms, p99 {onScreen.P99:F1} ms, max {onScreen.Max:F1} ms");
        if (display.Capture is { } captured)
            AnsiConsole.MarkupLine($"captures (video, PNGs): {captured.Written} written, {captured.Dropped} dropped by the encoder queue, " +
                                   $"{captured.Skipped} skipped (read-back ring full), {captured.Failed} failed");
        string reportPath = Path.Combine(o.OutDir, "latency.json");
        PipelineReportWriter.Save(reportPath, report, display);
        AnsiConsole.MarkupLine($"outputs in {Markup.Escape(o.OutDir)}: overlay PNGs, {Markup.Escape(Path.GetFileName(video))}, latency.json, " +
                               $"session.msgpack ({recorder.Frames} frames" + (recorder.SkippedWhilePaused > 0 ? $", {recorder.SkippedWhilePaused} not recorded while paused with R" : "") +
                               $"; `medseg score {Markup.Escape(session)}` scores it against its ground truth)");
        return report.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
    }

    /// <summary>A window when asked for and a display answers; otherwise the same renderer off-screen.</summary>
    private static IRenderSurface OpenSurface(bool headless, out bool windowed)
    {
        windowed = false;
        if (!headless && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")))
        {
            try
            {
                var window = GlfwWindow.Create(1024, 768, "MedSeg.Realtime demo", vsync: true);
                windowed = true;
                return window;
            }
            catch (GraphicsUnavailableException e)
            {
                AnsiConsole.MarkupLine($"[yellow]no window ({Markup.Escape(e.Message)}); rendering headless[/]");
            }
        }
        return HeadlessRenderTarget.Create(512, 512);
    }

    /// <summary>The default model lives in the repository; find it from the clone when run elsewhere.</summary>
    private static string ResolveModel(string path)
    {
        if (File.Exists(path) || Path.IsPathRooted(path)) return path;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, path);
            if (File.Exists(candidate)) return candidate;
        }
        return path;
    }
}
