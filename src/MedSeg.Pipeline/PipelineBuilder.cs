using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Inference;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Stages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static System.Threading.Channels.BoundedChannelFullMode;

namespace MedSeg.Pipeline;

/// <summary>
/// The one composition root: creates every stage and every bounded channel, each with its policy.
/// </summary>
/// <remarks>
/// <code>
/// source ─[live: DropOldest | replay: Wait]─► preprocess ─[Wait]─► batcher ─[Newest: DropOldest(1) | All: Wait]─► inference
///        ─[Wait]─► postprocess ─[Wait]─► fan-out ─┬─[Wait]──────► stats
///                                                  └─[per sink: Latest → DropOldest, NeverDrop → Wait]─► sinks
/// </code>
/// In Newest mode frames are dropped at the source edge and, when the engine is the bottleneck,
/// at the batch edge (a newer batch replaces the waiting one); every other edge waits, so latency
/// stays bounded by the (small) capacities. In All mode nothing is dropped and the source is slowed down.
/// </remarks>
public static class PipelineBuilder
{
    public static RunningPipeline Build(PipelineOptions options, ISegmentationEngine engine, IFrameSource source,
                                        IReadOnlyList<IFrameSink> extraSinks, ILogger? logger = null)
    {
        // 0. Check everything once, before anything is allocated.
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(extraSinks);
        options.Validate();
        if (options.MaxBatch > engine.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(options.MaxBatch), options.MaxBatch, $"exceeds the engine's MaxBatch {engine.MaxBatch}");
        var preprocessOptions = ResolvePreprocess(options, engine);
        logger ??= NullLogger.Instance;
        int stageCapacity = options.StageCapacity;

        // 1. Source edge: the only edge whose policy depends on the mode.
        var sourceEdge = new PipelineEdge<Frame>("source→preprocess", options.Mode == PipelineMode.Newest ? DropOldest : Wait, options.SourceCapacity);

        // 2. Preprocess: the checkpoint's own preprocessing; bad frames are dropped and counted here.
        var badFrames = new BadFrameLog(logger);
        var preprocess = new PreprocessStage(new PreprocessStageOptions { Preprocess = preprocessOptions }, badFrames);
        var toBatcher = new PipelineEdge<Frame>("preprocess→batcher", Wait, stageCapacity);

        // 3. Micro-batching: closes at MaxBatch frames or MaxWait after the first.
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = options.MaxBatch, MaxWait = options.EffectiveMaxWait });
        // In Newest mode a closed batch that finds the engine busy replaces the one waiting for it:
        // frames never queue behind more than one batch, so overload latency stays near two engine
        // calls instead of growing with every buffered frame. The dropped frames are counted.
        var toInference = options.Mode == PipelineMode.Newest
            ? new PipelineEdge<FrameBatch>("batcher→inference", DropOldest, 1, static b => b.Count)
            : new PipelineEdge<FrameBatch>("batcher→inference", Wait, stageCapacity);

        // 4. Inference: the engine's only caller.
        var inference = new InferenceStage(engine, new InferenceStageOptions { MaxBatch = options.MaxBatch });
        var toPostprocess = new PipelineEdge<FrameBatch>("inference→postprocess", Wait, stageCapacity);

        // 5. Postprocess: smoothing / components / holes, then single frames again.
        var postprocess = new PostprocessStage(options.Postprocess, engine.Description);
        var toFanOut = new PipelineEdge<Frame>("postprocess→fan-out", Wait, stageCapacity);

        // 6. Sinks: statistics always, then the caller's; each behind its own edge with the policy it asks for.
        var stats = new StatsSink(new StatsSinkOptions { WarmupFrames = options.WarmupFrames, Capacity = options.LatencyCapacity, Window = options.SummaryWindow });
        IFrameSink[] sinks = [stats, .. extraSinks];
        CheckSinkNames(sinks);
        var sinkEdges = sinks.Select(s => new PipelineEdge<Frame>($"fan-out→{s.Name}", s.Policy == SinkPolicy.Latest ? DropOldest : Wait, s.Capacity)).ToArray();
        var fanOut = new FrameFanOut(sinks.Select(s => s.Name).ToArray(), logger);
        ChannelWriter<Frame>[] sinkWriters = [.. sinkEdges.Select(e => e.Writer)];

        // 7. Wire the stages to their edges, in flow order.
        PipelineStep[] stages =
        [
            new("preprocess", ct => preprocess.RunAsync(sourceEdge.Reader, toBatcher.Writer, ct)),
            new("batcher", ct => batcher.RunAsync(toBatcher.Reader, toInference.Writer, ct)),
            new("inference", ct => inference.RunAsync(toInference.Reader, toPostprocess.Writer, ct)),
            new("postprocess", ct => postprocess.RunAsync(toPostprocess.Reader, toFanOut.Writer, ct)),
            new("fan-out", ct => fanOut.RunAsync(toFanOut.Reader, sinkWriters, ct)),
        ];
        IPipelineEdge[] innerEdges = [sourceEdge, toBatcher, toInference, toPostprocess, toFanOut];

        return new RunningPipeline(new PipelineParts(
            options, engine, source, logger, sourceEdge, stages, innerEdges, sinks, sinkEdges,
            preprocess, badFrames, batcher, fanOut, stats));
    }

    private static PreprocessOptions ResolvePreprocess(PipelineOptions options, ISegmentationEngine engine)
    {
        // The model's own preprocessing (its contract) unless the caller overrides it.
        var p = options.Preprocess ?? engine.Contract.Preprocess;
        var d = engine.Description;
        if (p.Channels != d.Channels || p.Height != d.Height || p.Width != d.Width)
            throw new ArgumentException($"preprocessing makes {p.Channels}×{p.Height}×{p.Width} input but the engine takes {d.Channels}×{d.Height}×{d.Width}", nameof(options));
        return p;
    }

    private static void CheckSinkNames(IFrameSink[] sinks)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in sinks)
        {
            ArgumentNullException.ThrowIfNull(sink, "extraSinks");
            if (string.IsNullOrWhiteSpace(sink.Name) || !seen.Add(sink.Name))
                throw new ArgumentException($"sink names must be unique and non-empty ('stats' is built in); got '{sink.Name}' twice or empty", "extraSinks");
            if (sink.Capacity < 1) throw new ArgumentOutOfRangeException("extraSinks", sink.Capacity, $"sink '{sink.Name}' asks for capacity < 1");
        }
    }
}
