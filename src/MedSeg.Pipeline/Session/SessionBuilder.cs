using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Sources.Igtl;
using MedSeg.Pipeline.Stages;
using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline.Session;

/// <summary>
/// The one composition root: a <see cref="SessionSpec"/> in, a <see cref="RunningSession"/> out.
/// Every command that streams builds through here; live vs replay, the threshold and label
/// sending are decided here, once, from the spec.
/// </summary>
public static class SessionBuilder
{
    /// <param name="extraSinks">Sinks a front-end adds that no spec names (a benchmark's latency probe).</param>
    public static RunningSession Build(SessionSpec spec, ISessionEngineLoader engines, ILogger? logger = null, IReadOnlyList<IFrameSink>? extraSinks = null)
    {
        // 0. The spec is checked once, before anything is opened.
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(engines);
        spec.Validate();
        int streams = spec.Sources.Count;
        var pools = new List<FramePool>();
        var sources = new List<IFrameSource>();
        SessionEngine? engine = null;
        try
        {
            // 1. Sources first (they check their files and options): bad input fails before a model loads.
            //    Stream i rents from its own pool, which stamps the stream id on every frame.
            for (int i = 0; i < streams; i++)
            {
                var pool = new FramePool(streamId: i);
                pools.Add(pool);
                sources.Add(SourceFactory.Create(spec.Sources[i].Uri, pool, logger));
            }
            // 2. Edge policy per stream: the spec's, or live sources Newest and replays All.
            PipelineMode[] modes = [.. spec.Sources.Select((s, i) => SpecWords.Mode(s.Mode, $"sources[{i}].mode") ?? (SourceFactory.IsLive(s.Uri) ? PipelineMode.Newest : PipelineMode.All))];
            bool allLive = modes.All(static m => m == PipelineMode.Newest);

            // 3. The one model, loaded with the one threshold that postprocessing uses too, and for the
            //    frames the sources declare (the engine is built before any frame arrives).
            engine = engines.Load(spec.Engine, spec.Batcher.MaxBatch, DeclaredFrameSize(sources));

            // 4. Sinks the spec names: a mailbox per stream (view), a recorder per stream, a label sender per igtl stream.
            var mailboxes = spec.Sinks.View.Enabled ? Enumerable.Range(0, streams).Select(i => new RenderMailbox(streams == 1 ? null : i)).ToArray() : [];
            var recorders = spec.Sinks.Recorder.Enabled ? Enumerable.Range(0, streams).Select(i => Recorder(spec, i, sources[i], engine)).ToArray() : [];
            var labels = spec.Sinks.Labels.Enabled ? LabelSinks(sources, engine.Engine.Description.ClassNames) : [];
            IFrameSink[] sinks = [.. mailboxes, .. recorders, .. labels, .. extraSinks ?? []];

            // 5. The pipeline graph itself.
            var stats = spec.Sinks.Stats;
            var options = new PipelineOptions
            {
                Mode = allLive ? PipelineMode.Newest : PipelineMode.All,
                StreamModes = modes,
                MaxBatch = spec.Batcher.MaxBatch,
                MaxWait = spec.Batcher.MaxWaitMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                SourceCapacity = spec.Preprocess.SourceCapacity,
                StageCapacity = spec.Preprocess.StageCapacity,
                Preprocess = engine.Preprocess,
                Postprocess = new PostprocessOptions
                {
                    SmoothingAlpha = spec.Postprocess.Smoothing, LargestComponent = spec.Postprocess.LargestComponent,
                    FillHoles = spec.Postprocess.FillHoles, Threshold = engine.Threshold,
                },
                WarmupFrames = stats.WarmupFrames,
                LatencyCapacity = stats.LatencyCapacity,
                SummaryWindow = TimeSpan.FromMilliseconds(stats.SummaryWindowMs),
                SinkCloseTimeout = TimeSpan.FromSeconds(stats.CloseTimeoutS),
            };
            var pipeline = PipelineBuilder.Build(options, engine.Engine, sources, sinks, logger);
            return new RunningSession(spec, engine, pipeline, pools, sources, mailboxes, recorders);
        }
        catch
        {
            if (engine is { OwnedBySession: true }) engine.Engine.Dispose();
            foreach (var source in sources) (source as IDisposable)?.Dispose();
            foreach (var pool in pools) pool.Dispose();
            throw;
        }
    }

    /// <summary>The largest width and height among the sizes the sources declare; null when none declares one.</summary>
    private static (int Width, int Height)? DeclaredFrameSize(IReadOnlyList<IFrameSource> sources)
    {
        var sizes = sources.Select(static s => s.FrameSize).OfType<(int Width, int Height)>().ToList();
        return sizes.Count == 0 ? null : (sizes.Max(static s => s.Width), sizes.Max(static s => s.Height));
    }

    private static SessionRecorder Recorder(SessionSpec spec, int stream, IFrameSource source, SessionEngine engine)
    {
        var r = spec.Sinks.Recorder;
        var (fsync, every) = SpecWords.Fsync(r.Fsync);
        var classes = engine.Engine.Description.ClassNames;
        return new SessionRecorder(new SessionRecorderOptions
        {
            Path = r.PathOf(stream),
            Overwrite = r.Overwrite,
            Stream = spec.Sources.Count == 1 ? null : stream,
            Name = spec.Sources.Count == 1 ? "recorder" : $"recorder-s{stream}",
            Header = new SessionHeader
            {
                Source = source.Description,
                Model = engine.Model,
                ClassNames = classes,
                ClassColors = [.. Enumerable.Range(0, classes.Count).Select(ColorOf)],
                Tags = spec.Sources.Count == 1 ? r.Tags : new Dictionary<string, string>(r.Tags) { ["stream"] = $"{stream}" },
            },
            Writer = new RecordingWriterOptions
            {
                Image = SpecWords.ImageCodec(r.ImageCodec), Masks = SpecWords.MaskCodec(r.MaskCodec), Probabilities = r.Probabilities,
                Fsync = fsync, FsyncEvery = every, Png = PngImageCodec.Instance,
            },
        });
    }

    /// <summary>
    /// One label sender per OpenIGTLink stream, each told the model's classes and palette colours
    /// (sent as LBMETA + COLORTABLE before the first map); asking for labels without one is a mistake in the spec.
    /// </summary>
    private static IFrameSink[] LabelSinks(IReadOnlyList<IFrameSource> sources, IReadOnlyList<string> classes)
    {
        var sinks = new List<IFrameSink>();
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not IgtlSource igtl) continue;
            igtl.DescribeLabels(classes, [.. Enumerable.Range(0, classes.Count).Select(ClassPalette.For)]);
            sinks.Add(new IgtlLabelSink(igtl, sources.Count == 1 ? null : i));
        }
        return sinks.Count > 0 ? [.. sinks] : throw new ArgumentException("sinks.labels.enabled needs an igtl:// source", "sinks.labels.enabled");
    }

    private static string ColorOf(int classId)
    {
        var (r, g, b) = ClassPalette.For(classId);
        return RecordingFormat.FormatColor(r, g, b);
    }
}
