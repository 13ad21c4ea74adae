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
/// The pipeline graph: creates every stage and every bounded channel, each with its policy. Internal:
/// <see cref="Session.SessionBuilder"/>, the one composition root, is its only caller (tests aside).
/// </summary>
/// <remarks>
/// <code>
/// source₀ ─[live: DropOldest | replay: Wait]─► preprocess₀ ─[Wait]─┐
/// source₁ ─[per stream, its own mode]────────► preprocess₁ ─[Wait]─┴► batcher (round-robin) ─[all Newest: DropOldest(1) | else: Wait]─► inference
///        ─[Wait]─► postprocess ─[Wait]─► fan-out ─┬─[Wait]──────► stats
///                                                  └─[per sink: Latest → DropOldest, NeverDrop → Wait]─► sinks
/// </code>
/// In Newest mode frames are dropped at the source edge and, when the engine is the bottleneck,
/// at the batch edge (a newer batch replaces the waiting one); every other edge waits, so latency
/// stays bounded by the (small) capacities. In All mode nothing is dropped and the source is slowed down.
/// </remarks>
internal static class PipelineBuilder
{
    public static RunningPipeline Build(PipelineOptions options, ISegmentationEngine engine, IFrameSource source,
                                        IReadOnlyList<IFrameSink> extraSinks, ILogger? logger = null) =>
        Build(options, engine, [source], extraSinks, logger);

    /// <summary>
    /// N streams, one model: source <c>i</c> is stream <c>i</c> (its frames must carry that
    /// <see cref="FrameInfo.StreamId"/>: give each source its own <c>FramePool(streamId: i)</c>).
    /// Each stream has its own source edge (its mode's policy) and preprocessing; one batcher takes
    /// from all of them round-robin into the one inference stage.
    /// </summary>
    public static RunningPipeline Build(PipelineOptions options, ISegmentationEngine engine, IReadOnlyList<IFrameSource> sources,
                                        IReadOnlyList<IFrameSink> extraSinks, ILogger? logger = null)
    {
        // 0. Check everything once, before anything is allocated.
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(extraSinks);
        options.Validate();
        if (sources.Count == 0) throw new ArgumentException("at least one source", nameof(sources));
        foreach (var source in sources) ArgumentNullException.ThrowIfNull(source, nameof(sources));
        if (options.StreamModes is { } modes && modes.Count != sources.Count)
            throw new ArgumentException($"{modes.Count} stream modes for {sources.Count} sources", nameof(options));
        if (options.MaxBatch > engine.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(options.MaxBatch), options.MaxBatch, $"exceeds the engine's MaxBatch {engine.MaxBatch}");
        var preprocessOptions = ResolvePreprocess(options, engine);
        logger ??= NullLogger.Instance;
        int stageCapacity = options.StageCapacity, streams = sources.Count;
        string Suffix(int i) => streams == 1 ? "" : $" s{i}";

        // 1. Source edges, one per stream: the only edges whose policy depends on the stream's mode.
        var sourceEdges = Enumerable.Range(0, streams)
            .Select(i => new PipelineEdge<Frame>($"source{Suffix(i)}→preprocess", options.ModeOf(i) == PipelineMode.Newest ? DropOldest : Wait, options.SourceCapacity))
            .ToArray();

        // 2. Preprocess per stream (the stream's frame size and Seq gaps are its own): the checkpoint's
        //    own preprocessing; bad frames are dropped and counted here.
        var badFrames = new BadFrameLog(logger);
        var preprocess = Enumerable.Range(0, streams)
            .Select(i => new PreprocessStage(new PreprocessStageOptions { Preprocess = preprocessOptions, Stream = i }, badFrames))
            .ToArray();
        var toBatcher = Enumerable.Range(0, streams)
            .Select(i => new PipelineEdge<Frame>($"preprocess{Suffix(i)}→batcher", Wait, stageCapacity))
            .ToArray();

        // 3. Micro-batching across streams, round-robin: closes at MaxBatch frames or MaxWait after the first.
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = options.MaxBatch, MaxWait = options.EffectiveMaxWait });
        // When every stream is live (Newest), a closed batch that finds the engine busy replaces the
        // one waiting for it: frames never queue behind more than one batch, so overload latency
        // stays near two engine calls instead of growing with every buffered frame. The dropped
        // frames are counted. One replayed stream makes this edge wait: its frames must not be dropped.
        bool allLive = Enumerable.Range(0, streams).All(i => options.ModeOf(i) == PipelineMode.Newest);
        var toInference = allLive
            ? new PipelineEdge<FrameBatch>("batcher→inference", DropOldest, 1, static b => b.Count)
            : new PipelineEdge<FrameBatch>("batcher→inference", Wait, stageCapacity);

        // 4. Inference: the engine's only caller, shared by every stream.
        var inference = new InferenceStage(engine, new InferenceStageOptions { MaxBatch = options.MaxBatch });
        var toPostprocess = new PipelineEdge<FrameBatch>("inference→postprocess", Wait, stageCapacity);

        // 5. Postprocess: smoothing (state per stream) / components / holes, then single frames again.
        var postprocess = new PostprocessStage(options.Postprocess, engine.Description, streams);
        var toFanOut = new PipelineEdge<Frame>("postprocess→fan-out", Wait, stageCapacity);

        // 6. Sinks: statistics always (total and per stream), then the caller's; each behind its own
        //    edge with the policy it asks for, and given only its stream's frames when it names one.
        var stats = new StatsSink(new StatsSinkOptions { WarmupFrames = options.WarmupFrames, Capacity = options.LatencyCapacity, Window = options.SummaryWindow, Streams = streams });
        IFrameSink[] sinks = [stats, .. extraSinks];
        CheckSinks(sinks, streams);
        var sinkEdges = sinks.Select(s => new PipelineEdge<Frame>($"fan-out→{s.Name}", s.Policy == SinkPolicy.Latest ? DropOldest : Wait, s.Capacity)).ToArray();
        var fanOut = new FrameFanOut(sinks.Select(s => s.Name).ToArray(), logger, sinks.Select(s => s.Stream).ToArray());
        ChannelWriter<Frame>[] sinkWriters = [.. sinkEdges.Select(e => e.Writer)];

        // 7. Wire the stages to their edges, in flow order.
        ChannelReader<Frame>[] batcherInputs = [.. toBatcher.Select(e => e.Reader)];
        PipelineStep[] stages =
        [
            .. Enumerable.Range(0, streams).Select(i => new PipelineStep($"preprocess{Suffix(i)}", ct => preprocess[i].RunAsync(sourceEdges[i].Reader, toBatcher[i].Writer, ct))),
            new("batcher", ct => batcher.RunAsync(batcherInputs, toInference.Writer, ct)),
            new("inference", ct => inference.RunAsync(toInference.Reader, toPostprocess.Writer, ct)),
            new("postprocess", ct => postprocess.RunAsync(toPostprocess.Reader, toFanOut.Writer, ct)),
            new("fan-out", ct => fanOut.RunAsync(toFanOut.Reader, sinkWriters, ct)),
        ];
        IPipelineEdge[] innerEdges = [.. sourceEdges, .. toBatcher, toInference, toPostprocess, toFanOut];

        return new RunningPipeline(new PipelineParts(
            options, engine, sources, logger, sourceEdges, stages, innerEdges, sinks, sinkEdges,
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

    private static void CheckSinks(IFrameSink[] sinks, int streams)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in sinks)
        {
            ArgumentNullException.ThrowIfNull(sink, "extraSinks");
            if (string.IsNullOrWhiteSpace(sink.Name) || !seen.Add(sink.Name))
                throw new ArgumentException($"sink names must be unique and non-empty ('stats' is built in); got '{sink.Name}' twice or empty", "extraSinks");
            if (sink.Capacity < 1) throw new ArgumentOutOfRangeException("extraSinks", sink.Capacity, $"sink '{sink.Name}' asks for capacity < 1");
            if (sink.Stream is { } stream && (stream < 0 || stream >= streams))
                throw new ArgumentOutOfRangeException("extraSinks", stream, $"sink '{sink.Name}' wants stream {stream}; the session has streams 0–{streams - 1}");
        }
    }
}
