using MedSeg.Core.Frames;
using MedSeg.Core.Inference;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Stages;
using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline;

/// <summary>What <see cref="PipelineBuilder"/> wired, handed to <see cref="RunningPipeline"/> to run and report on.</summary>
internal sealed record PipelineParts(
    PipelineOptions Options,
    ISegmentationEngine Engine,
    IReadOnlyList<IFrameSource> Sources,
    ILogger Logger,
    IReadOnlyList<PipelineEdge<Frame>> SourceEdges,
    IReadOnlyList<PipelineStep> Stages,
    IReadOnlyList<IPipelineEdge> InnerEdges,
    IReadOnlyList<IFrameSink> Sinks,
    IReadOnlyList<PipelineEdge<Frame>> SinkEdges,
    IReadOnlyList<PreprocessStage> Preprocess,
    BadFrameLog BadFrames,
    MicroBatcher Batcher,
    FrameFanOut FanOut,
    StatsSink Stats);
