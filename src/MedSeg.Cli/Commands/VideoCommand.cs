using System.CommandLine;
using MedSeg.Rendering;
using MedSeg.Rendering.Capture;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg video FILE`: a recorded session drawn with the live view's overlay renderer, headless,
/// into an MP4 (the composited frames people show afterwards; H.264 through ffmpeg).
/// </summary>
public static class VideoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session file (.msgpack)" };
        var output = new Option<string?>("--out") { Description = "Video file (default: FILE with .overlay.mp4)" };
        var mode = new Option<OverlayMode>("--mode") { Description = "Filled | Contour | HeatMap | SideBySide", DefaultValueFactory = _ => OverlayMode.Filled };
        var opacity = new Option<float>("--opacity") { Description = "Overlay opacity (filled, heat map)", DefaultValueFactory = _ => 0.45f }.Between(0f, 1f);
        var fps = new Option<double?>("--fps") { Description = "Frames per second of the video (default: the session's own rate)" }.Between(0.1, 1000);
        var cmd = new Command("video", "Render a recorded session's overlay to an MP4 (headless OpenGL, H.264 via ffmpeg)")
        {
            file, output, mode, opacity, fps,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            string path = p.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"session file not found: {path}", path);
            if (p.GetValue(fps) is <= 0) throw new ArgumentException("--fps must be positive");
            string video = p.GetValue(output) ?? Path.ChangeExtension(path, ".overlay.mp4");
            var result = SessionVideo.Render(path, video, new SessionVideoOptions
            {
                Mode = p.GetValue(mode), Opacity = p.GetValue(opacity), Fps = p.GetValue(fps),
            });
            if (result.EndMessage is { } end) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(path)}: {Markup.Escape(end)}");
            AnsiConsole.MarkupLine($"wrote [bold]{result.Frames}[/] frames ({result.Width}×{result.Height}, {result.Fps:0.###} fps, {result.Encoder}) to {Markup.Escape(result.Path)}");
            return Task.FromResult(CommandErrors.Ok);
        }));
        return cmd;
    }
}
