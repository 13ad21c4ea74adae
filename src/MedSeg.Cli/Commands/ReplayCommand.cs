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
        var fps = new Option<double?>("--fps") { Description = "Play at this fixed frame rate instead of the recorded timestamps" }.Between(0.0, 10000);
        var speed = new Option<double>("--speed") { Description = "Play the recorded timestamps N× faster", DefaultValueFactory = _ => 1 }.Between(0.001, 10000);
        var max = new Option<bool>("--max") { Description = "As fast as possible" };
        var repeat = new Option<bool>("--repeat") { Description = "Start again at the end (until --frames or Ctrl+C)" };
        var frames = new Option<long>("--frames") { Description = "Frames to play (0 = the whole session once)", DefaultValueFactory = _ => 0 }.Between(0L, long.MaxValue);
        var model = new Option<string?>("--model") { Description = "Checkpoint to run (default: the one named in the session, if it is still there with the same hash)" };
        var record = new Option<string?>("--record") { Description = "Record the replay (new predictions) to this new session file" };
        var (image, masks, prob, fsync, overwrite, tags) = RecordCommand.WriterOptions();
        var mode = new Option<PipelineMode>("--mode") { Description = "All (default for replays: nothing skipped) | Newest", DefaultValueFactory = _ => PipelineMode.All };
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var threshold = CommonOptions.Threshold();
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = CommonOptions.Engine();
        var cmd = new Command("replay", "Play a recorded session back through the pipeline (same or another model), optionally recording the new predictions")
        {
            file, fps, speed, max, repeat, frames, model, record, image, masks, prob, fsync, overwrite, tags, mode, maxBatch, maxWait, threshold, device, threads, engineKind,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(async () =>
        {
            string path = p.GetValue(file)!;
            // The source (which checks its options and the file) before the model: bad input fails fast.
            using var pool = new FramePool();
            var source = new RecordingSource(new RecordingSourceOptions
            {
                Path = path,
                Pacing = p.GetValue(max) ? ReplayPacing.AsFastAsPossible : p.GetValue(fps) is null ? ReplayPacing.Original : ReplayPacing.FixedFps,
                Fps = p.GetValue(fps) ?? 25, Speed = p.GetValue(speed), Repeat = p.GetValue(repeat), Frames = p.GetValue(frames),
            }, pool);
            string checkpoint = p.GetValue(model) ?? SessionCheckpoint(path);
            using var engine = Engines.EngineFactory.Create(new Engines.EngineRequest
            {
                Model = checkpoint, Engine = p.GetValue(engineKind), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                MaxBatch = p.GetValue(maxBatch), Threshold = p.GetValue(threshold),
            }, StreamCommand.Say);
            string? outPath = p.GetValue(record);
            var recorder = outPath is null ? null : RecordCommand.CreateRecorder(outPath, p.GetValue(overwrite), checkpoint, engine, source,
                RecordCommand.WriterOptionsOf(RecordCommand.ParseImage(p.GetValue(image)!), RecordCommand.ParseMasks(p.GetValue(masks)!), p.GetValue(prob), p.GetValue(fsync)!),
                new Dictionary<string, string>(RecordCommand.ParseTags(p.GetValue(tags))) { ["replay_of"] = Path.GetFullPath(path) });
            var options = new PipelineOptions
            {
                Mode = p.GetValue(mode), MaxBatch = p.GetValue(maxBatch), MaxWait = CommonOptions.MaxWait(p.GetValue(maxWait)),
                Postprocess = new PostprocessOptions { Threshold = p.GetValue(threshold) ?? engine.Contract.Threshold },
            };
            var result = await StreamCommand.RunAsync(options, engine, source, recorder is null ? [] : [recorder], ct).ConfigureAwait(false);
            if (source.End is { Clean: false } end) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(end.Message)}");
            if (recorder is not null) RecordCommand.PrintRecorded(recorder, outPath!);
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
