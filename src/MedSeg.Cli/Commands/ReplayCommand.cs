using System.CommandLine;
using System.Globalization;
using MedSeg.Cli.Sessions;
using MedSeg.Core.Recording;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg replay FILE`: a session as a frame source (original pace, N×, fixed fps or as fast as
/// possible; repeat; frame count) through the pipeline with the session's model or another
/// checkpoint, optionally recording the new predictions to a new session. A front-end: the
/// replay becomes a <c>recording:</c> source in a <see cref="SessionSpec"/>.
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
        var writer = SpecFlags.Writer.Create();
        var mode = SpecFlags.Mode();
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var threshold = CommonOptions.Threshold();
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = SpecFlags.Engine();
        var precision = SpecFlags.Precision();
        var calibration = SpecFlags.Calibration();
        var print = SpecFlags.PrintSpec();
        var cmd = new Command("replay", "Play a recorded session back through the pipeline (same or another model), optionally recording the new predictions")
        {
            file, fps, speed, max, repeat, frames, model, record, mode, maxBatch, maxWait, threshold, device, threads, engineKind, precision, calibration, print,
        };
        foreach (var o in writer.All) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            string path = p.GetValue(file)!;
            string uri = RecordingUri(path, p.GetValue(max), p.GetValue(fps), p.GetValue(speed), p.GetValue(repeat), p.GetValue(frames));
            var recorder = writer.Section(p, p.GetValue(record));
            recorder.Tags["replay_of"] = Path.GetFullPath(path);
            var spec = new SessionSpec
            {
                Sources = SpecFlags.SourceList([uri], p.GetValue(mode)!),
                Engine = new EngineSection
                {
                    Model = p.GetValue(model) ?? SessionCheckpoint(path), Kind = p.GetValue(engineKind)!, Device = p.GetValue(device)!, Threads = p.GetValue(threads), Threshold = p.GetValue(threshold),
                }.WithPrecision(p, precision, calibration),
                Batcher = new BatcherSection { MaxBatch = p.GetValue(maxBatch), MaxWaitMs = p.GetValue(maxWait) },
                Sinks = new SinksSection { Recorder = recorder },
            };
            return SessionRunner.PrintOrRunAsync(spec, p.GetValue(print), ct);
        }));
        return cmd;
    }

    /// <summary>The <c>recording:</c> source spec for the replay flags.</summary>
    private static string RecordingUri(string path, bool max, double? fps, double speed, bool repeat, long frames)
    {
        var query = new List<string>();
        if (max) query.Add("max=1");
        else if (fps is { } f) query.Add(string.Create(CultureInfo.InvariantCulture, $"fps={f}"));
        else query.Add(string.Create(CultureInfo.InvariantCulture, $"speed={speed}"));
        if (repeat) query.Add("repeat=1");
        if (frames != 0) query.Add(string.Create(CultureInfo.InvariantCulture, $"frames={frames}"));
        return $"recording:{path}?{string.Join('&', query)}";
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
