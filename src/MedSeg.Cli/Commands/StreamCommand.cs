using System.CommandLine;
using MedSeg.Cli.Engines;
using MedSeg.Cli.Reports;
using MedSeg.Core.Inference;
using MedSeg.Core.Frames;
using MedSeg.Pipeline;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Stages;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg stream`: a source through the whole pipeline with a checkpoint; a status line every
/// second and a final report. Ctrl+C drains in-flight frames and still prints the report.
/// </summary>
public static class StreamCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (best.ckpt from `medseg train`)", Required = true };
        var source = new Option<string>("--source")
        {
            Description = "Frame source: synthetic:lesion|lungs|mri[?fps=25&frames=N&size=128&seed=1&loop=N], dicom:DIR|FILE, " +
                          "nifti:FILE[?axis=z], tiff:FILE|DIR, folder:DIR, video:FILE|INDEX|URL, igtl://host:port; replays take " +
                          "fps=25&play=once|loop|pingpong&frames=N (fps=0: as fast as possible; frames=0: until Ctrl+C)",
            DefaultValueFactory = _ => "synthetic:lesion?fps=25&frames=500",
        };
        var mode = new Option<PipelineMode?>("--mode") { Description = "Newest: always show the newest frame, drop the oldest when behind (default for live sources); All: process every frame" };
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var smooth = new Option<double>("--smooth") { Description = "Temporal smoothing: EMA weight of the new frame's probabilities (1 = off)", DefaultValueFactory = _ => 1 }.Between(0.001, 1);
        var largest = new Option<bool>("--largest-component") { Description = "Keep only the largest connected component per class" };
        var fill = new Option<bool>("--fill-holes") { Description = "Fill holes in the mask" };
        var threshold = CommonOptions.Threshold();
        var sendLabels = new Option<bool>("--send-labels") { Description = "igtl:// sources: send each predicted label map back to the server as an IMAGE message" };
        var record = new Option<string?>("--record") { Description = "Record the session (MessagePack, recordings/FORMAT.md) to this file; never drops a frame" };
        var overwrite = new Option<bool>("--overwrite") { Description = "--record: replace an existing session file" };
        var report = new Option<string?>("--report") { Description = "Write the final report as JSON to this file" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = CommonOptions.Engine();
        var cmd = new Command("stream", "Run a frame source through the real-time pipeline (preprocess → micro-batch → U-Net → postprocess → sinks)")
        {
            model, source, mode, maxBatch, maxWait, smooth, largest, fill, threshold, sendLabels, record, overwrite, report, device, threads, engineKind,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(async () =>
        {
            using var engine = EngineFactory.Create(new EngineRequest
            {
                Model = p.GetValue(model)!, Engine = p.GetValue(engineKind), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                MaxBatch = p.GetValue(maxBatch), Threshold = p.GetValue(threshold),
            }, Say);
            using var pool = new FramePool();
            var src = SourceFactory.Create(p.GetValue(source)!, pool);
            var options = new PipelineOptions
            {
                Mode = p.GetValue(mode) ?? DefaultMode(p.GetValue(source)!),
                MaxBatch = p.GetValue(maxBatch),
                MaxWait = CommonOptions.MaxWait(p.GetValue(maxWait)),
                Postprocess = new PostprocessOptions
                {
                    SmoothingAlpha = p.GetValue(smooth), LargestComponent = p.GetValue(largest), FillHoles = p.GetValue(fill),
                    Threshold = p.GetValue(threshold) ?? engine.Contract.Threshold,
                },
            };
            var sinks = new List<IFrameSink>();
            if (p.GetValue(sendLabels))
            {
                if (src is not Pipeline.Sources.Igtl.IgtlSource igtl) throw new ArgumentException("--send-labels needs an igtl:// source");
                var names = engine.Description.ClassNames;
                igtl.DescribeLabels(names, Enumerable.Range(0, names.Count).Select(Core.Frames.ClassPalette.For).ToArray());
                sinks.Add(new IgtlLabelSink(igtl));
            }
            if (p.GetValue(record) is { } recordPath)
                sinks.Add(RecordCommand.CreateRecorder(recordPath, p.GetValue(overwrite), p.GetValue(model)!, engine, src, new Core.Recording.RecordingWriterOptions()));
            var result = await RunAsync(options, engine, src, sinks, ct).ConfigureAwait(false);
            if (p.GetValue(report) is { } path) PipelineReportWriter.Save(path, result);
            return result.Fault == null ? CommandErrors.Ok : CommandErrors.Failed;
        }));
        return cmd;
    }

    /// <summary>How the engine factory tells the user what it chose (one grey line).</summary>
    internal static void Say(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    /// <summary>
    /// Live sources (synthetic, video, cameras, OpenIGTLink) default to Newest: show the newest
    /// frame, drop the oldest when behind. Replayed stacks and recordings default to All: a
    /// replay waits rather than skipping slices.
    /// </summary>
    public static PipelineMode DefaultMode(string sourceSpec)
    {
        string scheme = sourceSpec.Split(':', 2)[0].ToLowerInvariant();
        return scheme is "dicom" or "nifti" or "tiff" or "folder" or "recording" ? PipelineMode.All : PipelineMode.Newest;
    }

    /// <summary>Runs a built pipeline with the once-a-second status line and prints the report; shared with other commands.</summary>
    public static async Task<PipelineReport> RunAsync(PipelineOptions options, ISegmentationEngine engine, IFrameSource source,
                                                      IReadOnlyList<IFrameSink> sinks, CancellationToken ct)
    {
        var pipeline = PipelineBuilder.Build(options, engine, source, sinks);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(source.Description)} → {Markup.Escape(engine.Description.Model)} on {engine.Description.Device}, " +
                               $"{options.Mode} mode, batch ≤ {options.MaxBatch} / {options.EffectiveMaxWait.TotalMilliseconds} ms[/]");
        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var run = pipeline.RunAsync(ct);
        var status = Task.Run(async () =>
        {
            while (!run.IsCompleted && await ticker.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
                if (!run.IsCompleted) AnsiConsole.MarkupLine(Markup.Escape(pipeline.Snapshot().ToString()));
        }, CancellationToken.None);
        PipelineReport report;
        try
        {
            report = await run.ConfigureAwait(false);
        }
        catch (PipelineException e)
        {
            // The partial report first; the error contract prints the one error line last.
            ticker.Dispose();
            if (e.Report is { } partial) PipelineReportWriter.Print(partial);
            throw;
        }
        ticker.Dispose();
        await status.ConfigureAwait(false);
        PipelineReportWriter.Print(report);
        return report;
    }
}

