using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Timing;

namespace MedSeg.Pipeline.Sinks;

/// <summary>
/// Latency per stage and end to end, from each finished frame's <see cref="StageTimes"/>.
/// </summary>
/// <remarks>
/// Inputs: finished frames (edge: NeverDrop). Outputs: <see cref="Summarize"/> for the report,
/// <see cref="Recent"/> for the live summary line.
/// Options: <see cref="StatsSinkOptions"/>.
/// Memory: all sample arrays are made in the constructor; recording a frame allocates nothing.
/// Notes: spans (ms): source = Captured→Queued, preprocess = Queued→Preprocessed (includes the
/// wait on the source edge), batching = Preprocessed→Batched, inference-queue =
/// Batched→InferenceStart, inference = InferenceStart→InferenceEnd, postprocess =
/// InferenceEnd→Postprocessed, end-to-end = Captured→Postprocessed; end-to-end and frame counts
/// are also kept per stream (<see cref="SummarizeStream"/>). Readers on other threads are
/// served under a lock the writer takes once per frame.
/// </remarks>
public sealed class StatsSink : IFrameSink
{
    public const string EndToEnd = "end-to-end";

    private readonly Lock _gate = new();
    private readonly LatencyRecorder _recorder;
    private readonly LatencySeries _source, _preprocess, _batching, _queue, _inference, _postprocess, _endToEnd;
    private readonly LatencySeries[] _streamEndToEnd;
    private readonly long[] _streamFrames;
    private readonly RollingLatencyWindow _recent;
    private long _frames, _gaps;

    public StatsSink(StatsSinkOptions? options = null)
    {
        var o = (options ?? new StatsSinkOptions()).Validate();
        _recorder = new LatencyRecorder(o.Capacity, o.WarmupFrames);
        _source = _recorder.Series("source");
        _preprocess = _recorder.Series("preprocess");
        _batching = _recorder.Series("batching");
        _queue = _recorder.Series("inference-queue");
        _inference = _recorder.Series("inference");
        _postprocess = _recorder.Series("postprocess");
        _endToEnd = _recorder.Series(EndToEnd);
        _recent = new RollingLatencyWindow(o.Window, o.WindowCapacity);
        // Each stream skips its own first frames: warm-up is per stream, like the JIT and caches it stands for.
        _streamEndToEnd = [.. Enumerable.Range(0, o.Streams).Select(i => new LatencyRecorder(o.Capacity, o.WarmupFrames).Series($"{EndToEnd} s{i}"))];
        _streamFrames = new long[o.Streams];
    }

    /// <summary>Streams the statistics are kept for.</summary>
    public int Streams => _streamFrames.Length;

    /// <summary>Frames received from stream <paramref name="stream"/>.</summary>
    public long StreamFrames(int stream) => Interlocked.Read(ref _streamFrames[stream]);

    /// <summary>End-to-end latency of stream <paramref name="stream"/> alone (after its own warm-up).</summary>
    public LatencySummary SummarizeStream(int stream)
    {
        lock (_gate) return _streamEndToEnd[stream].Summarize();
    }

    public string Name => "stats";
    public SinkPolicy Policy => SinkPolicy.NeverDrop;
    public int Capacity => 64;
    public long Discarded => 0;

    /// <summary>Frames received.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Frames that arrived after a gap (frames dropped upstream).</summary>
    public long FramesAfterGap => Interlocked.Read(ref _gaps);

    public Task RunAsync(ChannelReader<Frame> input, CancellationToken ct) =>
        StageHost.ConsumeAsync(input, (frame, _) =>
        {
            Record(frame);
            return default;
        }, ct);

    /// <summary>Per-stage summaries in pipeline order, end-to-end last.</summary>
    public LatencySummary[] Summarize()
    {
        lock (_gate) return _recorder.Summarize();
    }

    /// <summary>End-to-end latency over the last window, as of <paramref name="now"/> (Stopwatch ticks).</summary>
    public LatencySummary Recent(long now)
    {
        lock (_gate) return _recent.Summarize(EndToEnd, now);
    }

    private void Record(Frame frame)
    {
        var t = frame.ReadOnlyTimes;
        lock (_gate)
        {
            Add(_source, t.Captured, t.Queued);
            Add(_preprocess, t.Queued, t.Preprocessed);
            Add(_batching, t.Preprocessed, t.Batched);
            Add(_queue, t.Batched, t.InferenceStart);
            Add(_inference, t.InferenceStart, t.InferenceEnd);
            Add(_postprocess, t.InferenceEnd, t.Postprocessed);
            Add(_endToEnd, t.Captured, t.Postprocessed);
            if (t.Captured != 0 && t.Postprocessed != 0) _recent.Add(t.Postprocessed, t.EndToEndMs);
            if ((uint)frame.Info.StreamId < (uint)_streamFrames.Length)
            {
                Add(_streamEndToEnd[frame.Info.StreamId], t.Captured, t.Postprocessed);
                Interlocked.Increment(ref _streamFrames[frame.Info.StreamId]);
            }
        }
        Interlocked.Increment(ref _frames);
        if ((frame.Flags & FrameFlags.DroppedUpstream) != 0) Interlocked.Increment(ref _gaps);
    }

    private static void Add(LatencySeries series, long from, long to)
    {
        if (from != 0 && to != 0) series.Add(StageTimes.Milliseconds(from, to));
    }
}
