using System.CommandLine;
using System.Globalization;
using MedSeg.Cli.Sessions;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg demo`: the README's first command. A synthetic ultrasound-like sequence (moving lesions,
/// exact ground truth) streams through the whole pipeline with the model that ships in models/,
/// and the overlay is drawn with OpenGL: in a window when there is a display, headless (EGL)
/// otherwise. Leaves overlay PNGs, an MP4, the latency report and the recorded session in --out.
/// A front-end: its flags become a <see cref="SessionSpec"/> with a view (<c>--print-spec</c>).
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
        var engineKind = SpecFlags.Engine();
        var precision = SpecFlags.Precision();
        var calibration = SpecFlags.Calibration();
        var print = SpecFlags.PrintSpec();
        var cmd = new Command("demo", "Live demo: synthetic ultrasound through the real-time pipeline with OpenGL overlays (window, or headless without a display)")
        {
            headless, frames, fps, model, output, snapshotEvery, device, threads, engineKind, precision, calibration, print,
        };
        // Synchronous on purpose: a GLFW window must live on the main thread, and the action runs on
        // the caller's thread until its first await.
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            var spec = Spec(p.GetValue(headless), p.GetValue(frames), p.GetValue(fps), ResolveModel(p.GetValue(model)!), p.GetValue(output)!,
                            p.GetValue(snapshotEvery), p.GetValue(device)!, p.GetValue(threads), p.GetValue(engineKind)!);
            spec.Engine.WithPrecision(p, precision, calibration);
            return SessionRunner.PrintOrRunAsync(spec, p.GetValue(print), ct);
        }));
        return cmd;
    }

    /// <summary>The demo as a session: a pre-rendered 10 s cine loop (the phantom renderer off the streaming path), batch ≤ 2, a view, a recording.</summary>
    public static SessionSpec Spec(bool headless, int frames, double fps, string model, string outDir, int snapshotEvery, string device, int threads, string engine = "auto")
    {
        bool display = !headless && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"));
        long n = frames >= 0 ? frames : display ? 0 : 250;
        // The model's own input size, so the source needs no resize.
        int size = File.Exists(model) ? Checkpoint.ReadInfo(model).Preprocess.Width : 128;
        return new SessionSpec
        {
            Sources = [new SourceSection { Uri = string.Create(CultureInfo.InvariantCulture, $"synthetic:lesion?fps={fps}&frames={n}&size={size}&loop=250"), Mode = "newest" }],
            Engine = new EngineSection { Model = model, Kind = engine, Device = device, Threads = threads },
            Batcher = new BatcherSection { MaxBatch = 2 },
            Sinks = new SinksSection
            {
                Recorder = new RecorderSection { Path = Path.Combine(outDir, "session.msgpack"), Overwrite = true, Tags = new() { ["app"] = "medseg demo" } },
                View = new ViewSection { Kind = headless ? "headless" : "auto", Out = outDir, SnapshotEvery = snapshotEvery, VideoFps = fps > 0 ? fps : 25 },
            },
            Report = new ReportSection { Path = Path.Combine(outDir, "latency.json"), Status = false },
        };
    }

    /// <summary>The default model lives in the repository; find it from the clone when run elsewhere.</summary>
    internal static string ResolveModel(string path)
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
