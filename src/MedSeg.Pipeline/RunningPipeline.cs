using System.Collections.Concurrent;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Timing;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline;

/// <summary>A built pipeline: <see cref="RunAsync"/> runs it once and returns the report.</summary>
/// <remarks>
/// Stopping: cancelling RunAsync's token stops only the source; everything already in flight is
/// drained through to the sinks, the sinks flush, and the report comes back normally. End of
/// source does the same. A fault anywhere (a stage, the source or a sink) cancels the stages at
/// once, lets the sinks close (up to <see cref="PipelineOptions.SinkCloseTimeout"/>), releases
/// every frame still queued, and throws <see cref="PipelineException"/> naming where it started:
/// the most upstream failure, since errors travel downstream with the channels' completion.
/// </remarks>
public sealed class RunningPipeline
{
    private const int SinkOrder = 100;
    private readonly PipelineParts _p;
    private readonly Lock _snapshotGate = new();
    private int _started;
    private long _startTicks, _lastTicks, _lastIn, _lastOut;

    internal RunningPipeline(PipelineParts parts) => _p = parts;

    /// <summary>The built-in statistics sink (latency per stage, recent end-to-end latency).</summary>
    public StatsSink Stats => _p.Stats;

    public PipelineOptions Options => _p.Options;

    /// <summary>Counts of every edge so far, in flow order, sink edges last.</summary>
    public IReadOnlyList<EdgeReport> Edges() => [.. _p.InnerEdges.Select(e => e.Report()), .. _p.SinkEdges.Select(e => e.Report())];

    /// <summary>The live summary line: rates since the previous call, latency over the last window.</summary>
    public LiveSummary Snapshot()
    {
        long now = StageTimes.Now();
        long framesIn = FramesIn(), framesOut = _p.FanOut.Frames;
        long dropped = _p.InnerEdges.Sum(e => e.Dropped);
        double fpsIn, fpsOut;
        lock (_snapshotGate)
        {
            long since = _lastTicks != 0 ? _lastTicks : _startTicks;
            double seconds = since == 0 ? 0 : StageTimes.Milliseconds(since, now) / 1000;
            fpsIn = seconds > 0 ? (framesIn - _lastIn) / seconds : 0;
            fpsOut = seconds > 0 ? (framesOut - _lastOut) / seconds : 0;
            (_lastTicks, _lastIn, _lastOut) = (now, framesIn, framesOut);
        }
        string? last = Diagnostics().Select(d => d.Problems.Last).FirstOrDefault(l => l is not null) is { } item ? $"{item.Item}: {item.Reason}" : null;
        return new LiveSummary(framesIn, framesOut, fpsIn, fpsOut, dropped, _p.BadFrames.Total, _p.Stats.Recent(now),
                               Diagnostics().Sum(static d => d.Problems.Total), SourceStatus(), last);
    }

    /// <summary>Streams (sources) of this pipeline; frame stream ids are 0 … Streams − 1.</summary>
    public int Streams => _p.Sources.Count;

    private long FramesIn() => _p.SourceEdges.Sum(static e => e.Writer.Written);

    public async Task<PipelineReport> RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("a pipeline runs once; build a new one");
        using var abort = new CancellationTokenSource();
        using var stopSource = CancellationTokenSource.CreateLinkedTokenSource(ct, abort.Token);
        using var closeSinks = new CancellationTokenSource();
        var faults = new ConcurrentQueue<Fault>();
        var warnings = new ConcurrentQueue<string>();
        _startTicks = StageTimes.Now();
        _p.Logger.LogInformation("Pipeline starting: {Source} → {Engine}, mode {Mode}, batch ≤ {MaxBatch} / {MaxWait} ms",
            SourceDescription(), _p.Engine.Description.Model, _p.Options.Mode, _p.Options.MaxBatch, _p.Options.EffectiveMaxWait.TotalMilliseconds);

        Task Start(int order, string name, Func<Task> body) => Task.Run(async () =>
        {
            try
            {
                await body().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Decided before cancelling: a cancellation that we caused is a consequence, not a cause.
                bool consequence = e is OperationCanceledException && (abort.IsCancellationRequested || closeSinks.IsCancellationRequested);
                faults.Enqueue(new Fault(order, name, e, consequence));
                if (!consequence) abort.Cancel();
            }
        });

        var producers = new List<Task>();
        for (int i = 0; i < _p.Sources.Count; i++)
        {
            var (source, edge) = (_p.Sources[i], _p.SourceEdges[i]);
            producers.Add(Start(0, _p.Sources.Count == 1 ? "source" : $"source s{i}", () => RunSourceAsync(source, edge, stopSource.Token)));
        }
        for (int i = 0; i < _p.Stages.Count; i++)
        {
            var stage = _p.Stages[i];
            producers.Add(Start(i + 1, stage.Name, () => stage.Run(abort.Token)));
        }
        var sinks = new List<Task>();
        for (int i = 0; i < _p.Sinks.Count; i++)
        {
            var (sink, edge) = (_p.Sinks[i], _p.SinkEdges[i]);
            sinks.Add(Start(SinkOrder + i, $"sink {sink.Name}", () => RunSinkAsync(sink, edge.Reader, closeSinks.Token, warnings)));
        }

        await Task.WhenAll(producers).ConfigureAwait(false);
        closeSinks.CancelAfter(_p.Options.SinkCloseTimeout);
        await Task.WhenAll(sinks).ConfigureAwait(false);
        var duration = TimeSpan.FromMilliseconds(StageTimes.Milliseconds(_startTicks, StageTimes.Now()));

        // Anything still queued (only after a fault or a sink timeout) goes back to the pool.
        foreach (var edge in _p.InnerEdges) edge.DrainAndRelease();
        foreach (var edge in _p.SinkEdges) edge.DrainAndRelease();
        foreach (var preprocess in _p.Preprocess) preprocess.Dispose();

        var origin = faults.Where(f => !f.Consequence).OrderBy(f => f.Order).FirstOrDefault();
        foreach (var f in faults.Where(f => f.Consequence && f.Order >= SinkOrder && closeSinks.IsCancellationRequested && !abort.IsCancellationRequested))
            warnings.Enqueue($"{f.Name} did not close within {_p.Options.SinkCloseTimeout.TotalSeconds:0.#} s and was cancelled");
        var report = Report(duration, warnings, origin);
        if (origin is null)
        {
            _p.Logger.LogInformation("Pipeline finished: {In} frames in, {Out} out, {Dropped} dropped, {Bad} bad",
                report.FramesIn, report.FramesOut, report.FramesDropped, report.FramesBad);
            return report;
        }
        _p.Logger.LogError(origin.Error, "Pipeline stopped: {Stage} failed", origin.Name);
        throw new PipelineException(origin.Name, origin.Error, report);
    }

    private static async Task RunSourceAsync(IFrameSource source, PipelineEdge<Frame> edge, CancellationToken stop)
    {
        Exception? error = null;
        try
        {
            await source.RunAsync(edge.Writer, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The user's stop (or a fault elsewhere) ends the stream; what is in flight drains.
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            edge.Writer.TryComplete(error);
        }
    }

    private static async Task RunSinkAsync(IFrameSink sink, ChannelReader<Frame> input, CancellationToken ct, ConcurrentQueue<string> warnings)
    {
        try
        {
            await sink.RunAsync(input, ct).ConfigureAwait(false);
        }
        finally
        {
            // A sink that stops reading early must not stall the fan-out: release the rest unread.
            long unread = 0;
            try
            {
                while (await input.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                    while (input.TryRead(out var frame))
                    {
                        frame.Dispose();
                        unread++;
                    }
            }
            catch (Exception)
            {
                // The input completed with the pipeline's own fault; it is reported once, by its origin.
            }
            if (unread > 0) warnings.Enqueue($"sink '{sink.Name}' stopped reading early; {unread} frame(s) released unread");
        }
    }

    private PipelineReport Report(TimeSpan duration, ConcurrentQueue<string> warnings, Fault? origin)
    {
        var sinks = new List<SinkReport>();
        for (int i = 0; i < _p.Sinks.Count; i++)
        {
            var (sink, edge) = (_p.Sinks[i], _p.SinkEdges[i]);
            long stalls = _p.FanOut.Stalls(i);
            double stallMs = _p.FanOut.StallMilliseconds(i);
            sinks.Add(new SinkReport(sink.Name, sink.Policy, sink.Capacity, edge.Writer.Written, edge.Dropped + sink.Discarded, stalls, stallMs));
            if (stalls > 0)
                warnings.Enqueue($"sink '{sink.Name}' fell behind: it held the pipeline back {stalls} time(s), {stallMs:F0} ms in total");
        }
        var latency = _p.Stats.Summarize();
        long framesIn = FramesIn(), framesOut = _p.FanOut.Frames;
        long dropped = _p.InnerEdges.Sum(e => e.Dropped), bad = _p.BadFrames.Total;
        long batches = _p.Batcher.ClosedBySize + _p.Batcher.ClosedByTime + _p.Batcher.ClosedByEnd;
        return new PipelineReport
        {
            Source = SourceDescription(),
            Engine = $"{_p.Engine.Description.Model} on {_p.Engine.Description.Device}",
            Mode = _p.Options.Mode,
            MaxBatch = _p.Options.MaxBatch,
            MaxWait = _p.Options.EffectiveMaxWait,
            Duration = duration,
            FramesIn = framesIn,
            FramesOut = framesOut,
            FramesDropped = dropped,
            FramesBad = bad,
            FramesDiscarded = framesIn - framesOut - dropped - bad,
            Edges = Edges(),
            Sinks = sinks,
            BadFrameReasons = _p.BadFrames.ByReason(),
            BadFrameExamples = _p.BadFrames.Examples(),
            BatchesBySize = _p.Batcher.ClosedBySize,
            BatchesByTime = _p.Batcher.ClosedByTime,
            BatchesByEnd = _p.Batcher.ClosedByEnd,
            MeanBatch = batches == 0 ? 0 : (double)_p.Batcher.Frames / batches,
            Latency = latency,
            EndToEnd = latency.FirstOrDefault(l => l.Name == StatsSink.EndToEnd, LatencySummary.Empty(StatsSink.EndToEnd)),
            Streams = [.. Enumerable.Range(0, _p.Sources.Count).Select(i => new StreamReport(
                i, _p.Sources[i].Description, _p.Options.ModeOf(i), _p.SourceEdges[i].Writer.Written, _p.Stats.StreamFrames(i), _p.SourceEdges[i].Dropped,
                _p.Stats.SummarizeStream(i)))],
            Warnings = [.. warnings],
            SourceSkipped = Diagnostics().Sum(static d => d.Problems.Total),
            SourceSkippedExamples = [.. Diagnostics().SelectMany(static d => d.Problems.Examples())],
            SourceStatus = SourceStatus(),
            SourceEvents = [.. Diagnostics().SelectMany(static d => d.Problems.Events())],
            Fault = origin is null ? null : $"{origin.Name}: {origin.Error.GetType().Name}: {origin.Error.Message}",
        };
    }

    /// <summary>
    /// What stream <paramref name="stream"/>'s source is doing and what it skipped, in one line for
    /// that stream's HUD ("connected · skipped 2 (last: slice03.dcm: truncated)"); null when the
    /// source says nothing. Thread-safe: the viewer asks from the GL thread.
    /// </summary>
    public string? SourceStatusOf(int stream)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stream);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stream, _p.Sources.Count);
        if (_p.Sources[stream] is not ISourceDiagnostics d) return null;
        long skipped = d.Problems.Total;
        string? skips = skipped == 0 ? null
            : d.Problems.Last is { } last ? $"skipped {skipped} (last: {last.Item}: {last.Reason})" : $"skipped {skipped}";
        return (d.Status, skips) switch
        {
            (null, null) => null,
            ({ } status, null) => status,
            (null, { } s) => s,
            ({ } status, { } s) => $"{status} · {s}",
        };
    }

    /// <summary>The sources that report what they skipped and what they are doing (files, OpenIGTLink).</summary>
    private IEnumerable<ISourceDiagnostics> Diagnostics() => _p.Sources.OfType<ISourceDiagnostics>();

    /// <summary>What the sources are doing now; with several streams each status names its stream.</summary>
    private string? SourceStatus()
    {
        var states = _p.Sources.Select((s, i) => (s as ISourceDiagnostics)?.Status is { } status ? (_p.Sources.Count == 1 ? status : $"s{i} {status}") : null)
                               .OfType<string>().ToArray();
        return states.Length == 0 ? null : string.Join(", ", states);
    }

    private string SourceDescription() =>
        _p.Sources.Count == 1 ? _p.Sources[0].Description : string.Join(" | ", _p.Sources.Select((s, i) => $"s{i}: {s.Description}"));

    private sealed record Fault(int Order, string Name, Exception Error, bool Consequence);
}
