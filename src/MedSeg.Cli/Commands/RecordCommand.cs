using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedSeg.Cli.Reports;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Recording;
using MedSeg.Model;
using MedSeg.Pipeline;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Stages;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>Everything `medseg record` needs.</summary>
public sealed record RecordOptions
{
    public required string Model { get; init; }
    public required string Source { get; init; }
    public required string Out { get; init; }
    public ImageEncoding Image { get; init; } = ImageEncoding.Raw;
    public MaskEncoding Masks { get; init; } = MaskEncoding.Rle;
    public bool Probabilities { get; init; }
    /// <summary>none | every | N (records between fsyncs).</summary>
    public string Fsync { get; init; } = "30";
    public bool Overwrite { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public PipelineMode? Mode { get; init; }
    public int MaxBatch { get; init; } = 4;
    /// <summary>Null: the pipeline mode's default (<see cref="PipelineOptions.DefaultMaxWait"/>).</summary>
    public double? MaxWaitMs { get; init; }
    public double? Threshold { get; init; }
    public string Device { get; init; } = "auto";
    public Engines.EngineKind Engine { get; init; } = Engines.EngineKind.Auto;
    public int Threads { get; init; }
    public string? Report { get; init; }
}

/// <summary>`medseg record`: a source through the pipeline with a checkpoint, every finished frame recorded to a session file.</summary>
public static class RecordCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (best.ckpt from `medseg train`)", Required = true };
        var source = new Option<string>("--source")
        {
            Description = "Frame source: synthetic:lesion|lungs|mri[?fps=25&frames=N&size=128&seed=1], or recording:FILE[?speed=N|fps=N|max=1]",
            DefaultValueFactory = _ => "synthetic:lesion?fps=25&frames=250",
        };
        var output = new Option<string>("--out") { Description = "Session file to write (.msgpack)", Required = true };
        var (image, masks, prob, fsync, overwrite, tags) = WriterOptions();
        var mode = new Option<PipelineMode?>("--mode") { Description = "Newest: drop the oldest frame when behind (live default); All: process every frame" };
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var threshold = CommonOptions.Threshold();
        var report = new Option<string?>("--report") { Description = "Write the pipeline report as JSON to this file" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = CommonOptions.Engine();
        var cmd = new Command("record", "Run a source through the pipeline and record every frame (image, mask, ground truth, timings) to a MessagePack session")
        {
            model, source, output, image, masks, prob, fsync, overwrite, tags, mode, maxBatch, maxWait, threshold, report, device, threads, engineKind,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(async () =>
        {
            var o = new RecordOptions
            {
                Model = p.GetValue(model)!, Source = p.GetValue(source)!, Out = p.GetValue(output)!,
                Image = ParseImage(p.GetValue(image)!), Masks = ParseMasks(p.GetValue(masks)!), Probabilities = p.GetValue(prob),
                Fsync = p.GetValue(fsync)!, Overwrite = p.GetValue(overwrite), Tags = ParseTags(p.GetValue(tags)),
                Mode = p.GetValue(mode), MaxBatch = p.GetValue(maxBatch), MaxWaitMs = p.GetValue(maxWait), Threshold = p.GetValue(threshold),
                Device = p.GetValue(device)!, Threads = p.GetValue(threads), Report = p.GetValue(report), Engine = p.GetValue(engineKind),
            };
            var (result, _) = await RunAsync(o, ct).ConfigureAwait(false);
            return result.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
        }));
        return cmd;
    }

    /// <summary>The writer options shared with `replay --record`.</summary>
    internal static (Option<string> Image, Option<string> Masks, Option<bool> Probabilities, Option<string> Fsync, Option<bool> Overwrite, Option<string[]> Tags) WriterOptions() =>
    (
        new Option<string>("--image-codec") { Description = "raw (LZ4 where it pays) | png", DefaultValueFactory = _ => "raw" },
        new Option<string>("--mask-codec") { Description = "rle | png", DefaultValueFactory = _ => "rle" },
        new Option<bool>("--probabilities") { Description = "Also record the foreground probabilities (8-bit)" },
        new Option<string>("--fsync") { Description = "none | every (each record) | N (every N records); records always reach the OS as written", DefaultValueFactory = _ => "30" },
        new Option<bool>("--overwrite") { Description = "Replace an existing session file" },
        new Option<string[]>("--tag") { Description = "Free-form tag KEY=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false }
    );

    /// <summary>Runs the pipeline with a <see cref="SessionRecorder"/>; prints the pipeline report and the session summary.</summary>
    public static async Task<(PipelineReport Report, SessionRecorder Recorder)> RunAsync(RecordOptions o, CancellationToken ct)
    {
        using var engine = Engines.EngineFactory.Create(new Engines.EngineRequest
        {
            Model = o.Model, Engine = o.Engine, Device = o.Device, Threads = o.Threads, MaxBatch = o.MaxBatch, Threshold = o.Threshold,
        }, StreamCommand.Say);
        using var pool = new FramePool();
        var source = SourceFactory.Create(o.Source, pool);
        var recorder = CreateRecorder(o.Out, o.Overwrite, o.Model, engine, source, WriterOptionsOf(o), o.Tags);
        var options = new PipelineOptions
        {
            Mode = o.Mode ?? (source is RecordingSource ? PipelineMode.All : PipelineMode.Newest),
            MaxBatch = o.MaxBatch,
            MaxWait = CommonOptions.MaxWait(o.MaxWaitMs),
            Postprocess = new PostprocessOptions { Threshold = o.Threshold ?? engine.Contract.Threshold },
        };
        var report = await StreamCommand.RunAsync(options, engine, source, [recorder], ct).ConfigureAwait(false);
        if (o.Report is { } path) PipelineReportWriter.Save(path, report);
        PrintRecorded(recorder, o.Out);
        return (report, recorder);
    }

    /// <summary>The closing line of a recorded run: frames, size, size per frame.</summary>
    internal static void PrintRecorded(SessionRecorder recorder, string path) =>
        AnsiConsole.MarkupLine($"recorded [bold]{recorder.Frames}[/] frames to {Markup.Escape(path)}: {recorder.Bytes / 1024.0:F1} KiB" +
                               (recorder.Frames > 0 ? $", {recorder.Bytes / (double)recorder.Frames / 1024.0:F1} KiB per frame" : ""));

    /// <summary>The never-drop recorder sink for a session of <paramref name="engine"/> on <paramref name="source"/>; shared by record, stream --record and demo.</summary>
    internal static SessionRecorder CreateRecorder(string path, bool overwrite, string modelPath, Core.Inference.ISegmentationEngine engine, IFrameSource source,
                                                   RecordingWriterOptions writer, IReadOnlyDictionary<string, string>? tags = null) =>
        new(new SessionRecorderOptions
        {
            Path = path,
            Overwrite = overwrite,
            Header = new SessionHeader
            {
                Source = source.Description,
                Model = new RecordedModel(engine.Description.Model, Path.GetFullPath(modelPath), Checkpoint.Hash(modelPath),
                                          ModelConfig(modelPath, engine)),
                ClassNames = engine.Contract.ClassNames,
                ClassColors = Enumerable.Range(0, engine.Contract.ClassNames.Count).Select(ColorOf).ToArray(),
                Tags = tags ?? new Dictionary<string, string>(),
            },
            Writer = writer,
        });

    /// <summary>The recorded model's configuration: a checkpoint's own header, or an ONNX model's contract.</summary>
    private static string ModelConfig(string modelPath, Core.Inference.ISegmentationEngine engine) =>
        modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? JsonSerializer.Serialize(engine.Contract, Checkpoint.JsonOptions)
            : JsonSerializer.Serialize(Checkpoint.ReadInfo(modelPath), Checkpoint.JsonOptions);

    internal static RecordingWriterOptions WriterOptionsOf(RecordOptions o) => WriterOptionsOf(o.Image, o.Masks, o.Probabilities, o.Fsync);

    internal static RecordingWriterOptions WriterOptionsOf(ImageEncoding image, MaskEncoding masks, bool probabilities, string fsync)
    {
        var (policy, every) = ParseFsync(fsync);
        return new RecordingWriterOptions
        {
            Image = image, Masks = masks, Probabilities = probabilities, Fsync = policy, FsyncEvery = every, Png = PngImageCodec.Instance,
        };
    }

    internal static ImageEncoding ParseImage(string s) => s.ToLowerInvariant() switch
    {
        "raw" or "lz4" => ImageEncoding.Raw,
        "png" => ImageEncoding.Png,
        _ => throw new ArgumentException($"--image-codec '{s}': use raw or png"),
    };

    internal static MaskEncoding ParseMasks(string s) => s.ToLowerInvariant() switch
    {
        "rle" => MaskEncoding.Rle,
        "png" => MaskEncoding.Png,
        _ => throw new ArgumentException($"--mask-codec '{s}': use rle or png"),
    };

    internal static (FsyncPolicy Policy, int Every) ParseFsync(string s) => s.ToLowerInvariant() switch
    {
        "none" or "0" => (FsyncPolicy.None, 1),
        "every" or "1" or "always" => (FsyncPolicy.EveryRecord, 1),
        _ when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 1 => (FsyncPolicy.EveryN, n),
        _ => throw new ArgumentException($"--fsync '{s}': use none, every, or a number of records N ≥ 2"),
    };

    internal static IReadOnlyDictionary<string, string> ParseTags(string[]? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string t in tags ?? [])
        {
            int eq = t.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--tag '{t}': expected KEY=VALUE");
            result[t[..eq]] = t[(eq + 1)..];
        }
        return result;
    }

    private static string ColorOf(int classId)
    {
        var (r, g, b) = ClassPalette.For(classId);
        return RecordingFormat.FormatColor(r, g, b);
    }
}
