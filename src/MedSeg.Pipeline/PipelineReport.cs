using MedSeg.Core.Frames;
using MedSeg.Core.Timing;
using MedSeg.Pipeline.Stages;

namespace MedSeg.Pipeline;

/// <summary>What a run did: counts, drops per edge, bad frames, batches, latency per stage and end to end.</summary>
/// <remarks>Frames are conserved: FramesIn = FramesOut + FramesDropped + FramesBad + FramesDiscarded.</remarks>
public sealed record PipelineReport
{
    public required string Source { get; init; }
    public required string Engine { get; init; }
    public required PipelineMode Mode { get; init; }
    public required int MaxBatch { get; init; }
    public required TimeSpan MaxWait { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>Frames the source wrote.</summary>
    public required long FramesIn { get; init; }
    /// <summary>Frames that reached the fan-out (given to every sink).</summary>
    public required long FramesOut { get; init; }
    /// <summary>Frames dropped by DropOldest edges before the fan-out.</summary>
    public required long FramesDropped { get; init; }
    public required long FramesBad { get; init; }
    /// <summary>Frames still in flight when a fault stopped the run, released unprocessed (0 after a clean run).</summary>
    public required long FramesDiscarded { get; init; }

    public required IReadOnlyList<EdgeReport> Edges { get; init; }
    public required IReadOnlyList<SinkReport> Sinks { get; init; }
    public required IReadOnlyDictionary<FrameDropReason, long> BadFrameReasons { get; init; }
    public required IReadOnlyList<BadFrame> BadFrameExamples { get; init; }

    public required long BatchesBySize { get; init; }
    public required long BatchesByTime { get; init; }
    public required long BatchesByEnd { get; init; }

    /// <summary>Per stage in pipeline order (source … postprocess), then end-to-end; warm-up frames skipped.</summary>
    public required IReadOnlyList<LatencySummary> Latency { get; init; }
    public required LatencySummary EndToEnd { get; init; }

    /// <summary>Per stream (source order): frames in, out, dropped at its source edge, its end-to-end latency.</summary>
    public IReadOnlyList<StreamReport> Streams { get; init; } = [];

    /// <summary>Things an operator must see: sinks that fell behind or did not close, the fault.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>Items the source skipped (unreadable files, slices, messages), each with its reason.</summary>
    public long SourceSkipped { get; init; }
    /// <summary>The first skipped items (the source keeps about 20), name and reason.</summary>
    public IReadOnlyList<Imaging.Formats.SkippedItem> SourceSkippedExamples { get; init; } = [];
    /// <summary>The source's last state when the run ended (e.g. OpenIGTLink "lost: …"), null when it has none.</summary>
    public string? SourceStatus { get; init; }
    /// <summary>Events of the source's life (connects, losses, reconnects), oldest first; a few dozen at most.</summary>
    public IReadOnlyList<string> SourceEvents { get; init; } = [];

    /// <summary>"stage: cause" when the run stopped on a fault.</summary>
    public string? Fault { get; init; }

    /// <summary>Frames per batch on average.</summary>
    public required double MeanBatch { get; init; }

    public long Batches => BatchesBySize + BatchesByTime + BatchesByEnd;
    public double FpsIn => Duration > TimeSpan.Zero ? FramesIn / Duration.TotalSeconds : 0;
    public double FpsOut => Duration > TimeSpan.Zero ? FramesOut / Duration.TotalSeconds : 0;
}
