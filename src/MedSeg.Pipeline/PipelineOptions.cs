using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Stages;

namespace MedSeg.Pipeline;

/// <summary>Everything <see cref="PipelineBuilder"/> needs besides the engine, the source and the sinks; validated once.</summary>
public sealed record PipelineOptions
{
    /// <summary>Newest: the source edge drops its oldest frame when full (live); All: every edge waits (replay).</summary>
    public PipelineMode Mode { get; init; } = PipelineMode.Newest;

    /// <summary>Per stream (source order), its mode: a live stream drops at its source edge while a
    /// replayed one beside it waits. Null: every stream has <see cref="Mode"/>.</summary>
    public IReadOnlyList<PipelineMode>? StreamModes { get; init; }

    /// <summary>The mode of stream <paramref name="stream"/>.</summary>
    public PipelineMode ModeOf(int stream) => StreamModes is { } modes ? modes[stream] : Mode;

    /// <summary>A batch closes at this many frames … (≤ the engine's MaxBatch).</summary>
    public int MaxBatch { get; init; } = 4;

    /// <summary>… or this long after its first frame. Null: <see cref="DefaultMaxWait"/> for the mode.</summary>
    public TimeSpan? MaxWait { get; init; }

    /// <summary>The wait the batcher uses: <see cref="MaxWait"/>, or the mode's default.</summary>
    public TimeSpan EffectiveMaxWait => MaxWait ?? DefaultMaxWait(Mode);

    /// <summary>
    /// Newest (live): zero. A batch takes the frames already waiting and never waits for company:
    /// a live source that the model keeps up with delivers one frame per period, so any wait is
    /// pure latency (2 ms nominal measured 2.3–4.3 ms of timer and wake-up delay per frame at
    /// 25 fps, 15 % of the end-to-end median), and when the model falls behind, frames queue and
    /// batch by themselves. All (replays, offline): 2 ms, so batches fill for throughput.
    /// </summary>
    public static TimeSpan DefaultMaxWait(PipelineMode mode) =>
        mode == PipelineMode.Newest ? TimeSpan.Zero : TimeSpan.FromMilliseconds(2);

    /// <summary>Frames the source edge holds. Small keeps live latency low: it bounds how old a frame can get before preprocessing.</summary>
    public int SourceCapacity { get; init; } = 2;

    /// <summary>Items (frames or batches) each inner edge holds.</summary>
    public int StageCapacity { get; init; } = 2;

    /// <summary>Preprocessing of the input; null: the engine's model contract (what the model was trained on).</summary>
    public PreprocessOptions? Preprocess { get; init; }

    public PostprocessOptions Postprocess { get; init; } = new();

    /// <summary>First frames left out of the latency statistics.</summary>
    public int WarmupFrames { get; init; }

    /// <summary>Latency samples kept per stage for the final report.</summary>
    public int LatencyCapacity { get; init; } = 65_536;

    /// <summary>Span of the live summary's median / p99.</summary>
    public TimeSpan SummaryWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long sinks may take to flush and close after the rest of the pipeline stopped; then they are cancelled.</summary>
    public TimeSpan SinkCloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public PipelineOptions Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "must be Newest or All");
        if (StreamModes is { } modes && modes.Any(m => !Enum.IsDefined(m))) throw new ArgumentOutOfRangeException(nameof(StreamModes), "every stream mode must be Newest or All");
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "must be 1–1024");
        if (MaxWait is { } wait && (wait < TimeSpan.Zero || wait > TimeSpan.FromMinutes(10))) throw new ArgumentOutOfRangeException(nameof(MaxWait), MaxWait, "must be 0–10 min");
        if (SourceCapacity < 1) throw new ArgumentOutOfRangeException(nameof(SourceCapacity), SourceCapacity, "must be ≥ 1");
        if (StageCapacity < 1) throw new ArgumentOutOfRangeException(nameof(StageCapacity), StageCapacity, "must be ≥ 1");
        if (WarmupFrames < 0) throw new ArgumentOutOfRangeException(nameof(WarmupFrames), WarmupFrames, "must be ≥ 0");
        if (LatencyCapacity < 1) throw new ArgumentOutOfRangeException(nameof(LatencyCapacity), LatencyCapacity, "must be ≥ 1");
        if (SummaryWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SummaryWindow), SummaryWindow, "must be positive");
        if (SinkCloseTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SinkCloseTimeout), SinkCloseTimeout, "must be positive");
        ArgumentNullException.ThrowIfNull(Postprocess, nameof(Postprocess));
        Preprocess?.Validate();
        Postprocess.Validate();
        return this;
    }
}
