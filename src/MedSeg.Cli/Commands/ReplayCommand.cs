using System.CommandLine;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Model;
using MedSeg.Pipeline;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Stages;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg replay FILE`: a session as a frame source (original pace, N×, fixed fps or as fast as
/// possible; repeat; frame count) through the pipeline with the session's model or another
/// checkpoint, optionally recording the new predictions to a new session.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session file (.msgpack) to play back" };
        var fps = new Option<double?>("--fps") { Description = "Play at this fixed frame rate instead of the recorded timestamps" };
        var speed = new Option<double>("--speed") { Description = "Play the recorded timestamps N× faster", DefaultValueFactory = _ => 1 };
        var max = new Option<bool>("--max") { Description = "As fast as possible" };
        var repeat = new Option<bool>("--repeat") { Description = "Start again at the end (until --frames or Ctrl+C)" };
        var frames = new Option<long>("--frames") { Description = "Frames to play (0 = the whole session once)", DefaultValueFactory = _ => 0 };
        var model = new Option<string?>("--model") { Description = "Checkpoint to run (default: the one named in the session, if it is still there with the same hash)" };
        var record = new Option<string?>("--record") { Description = "Record the replay (new predictions) to this new session file" };
        var (image, masks, prob, fsync, overwrite, tags) = RecordCommand.WriterOptions();
        var mode = new Option<PipelineMode>("--mode") { Description = "All (default for replays: nothing skipped) | Newest", DefaultValueFactory = _ => PipelineMode.All };
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var threshold = CommonOptions.Threshold();
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var cmd = new Command("replay", "Play a recorded session back through the pipeline (same or another model), optionally recording the new predictions")
        {
            file, fps, speed, max, repeat, frames, model, record, image, masks, prob, fsync, overwrite, tags, mode, maxBatch, maxWait, threshold, device, threads,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(async () =>
        {
            string path = p.GetValue(file)!;
            var pacing = p.GetValue(max) ? "max=1" : p.GetValue(fps) is { } f ? $"fps={f.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                : $"speed={p.GetValue(speed).ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            string spec = $"recording:{path}?{pacing}&repeat={(p.GetValue(repeat) ? 1 : 0)}&frames={p.GetValue(frames)}";
            string checkpoint = p.GetValue(model) ?? SessionCheckpoint(path);
            if (p.GetValue(record) is { } outPath)
            {
                var (report, _) = await RecordCommand.RunAsync(new RecordOptions
                {
                    Model = checkpoint, Source = spec, Out = outPath, Image = RecordCommand.ParseImage(p.GetValue(image)!),
                    Masks = RecordCommand.ParseMasks(p.GetValue(masks)!), Probabilities = p.GetValue(prob), Fsync = p.GetValue(fsync)!,
                    Overwrite = p.GetValue(overwrite), Tags = new Dictionary<string, string>(RecordCommand.ParseTags(p.GetValue(tags))) { ["replay_of"] = Path.GetFullPath(path) },
                    Mode = p.GetValue(mode), MaxBatch = p.GetValue(maxBatch), MaxWaitMs = p.GetValue(maxWait), Threshold = p.GetValue(threshold),
                    Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                }, ct).ConfigureAwait(false);
                return report.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
            }
            using var engine = InferenceEngine.Load(checkpoint, new InferenceEngineOptions
            {
                Device = p.GetValue(device)!, Threads = p.GetValue(threads), MaxBatch = p.GetValue(maxBatch), Threshold = p.GetValue(threshold),
            });
            using var pool = new FramePool();
            var source = RecordingSource.FromSpec(spec["recording:".Length..], pool);
            var options = new PipelineOptions
            {
                Mode = p.GetValue(mode), MaxBatch = p.GetValue(maxBatch), MaxWait = CommonOptions.MaxWait(p.GetValue(maxWait)),
                Postprocess = new PostprocessOptions { Threshold = p.GetValue(threshold) ?? engine.Info.Threshold },
            };
            var result = await StreamCommand.RunAsync(options, engine, source, [], ct).ConfigureAwait(false);
            if (source.End is { Clean: false } end) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(end.Message)}");
            return result.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
        }));
        return cmd;
    }

    /// <summary>The checkpoint the session was recorded with, when it still exists unchanged.</summary>
    private static string SessionCheckpoint(string path)
    {
        using var reader = RecordingReader.Open(path);
        var m = reader.Header.Model ?? throw new ArgumentException($"{path} names no model; pass --model CKPT");
        if (!File.Exists(m.Checkpoint)) throw new ArgumentException($"{path} was recorded with {m.Checkpoint}, which is not there any more; pass --model CKPT");
        if (!string.Equals(Checkpoint.Hash(m.Checkpoint), m.CheckpointSha256, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{m.Checkpoint} changed since {path} was recorded (SHA-256 differs); pass --model CKPT to use it anyway");
        return m.Checkpoint;
    }
}
