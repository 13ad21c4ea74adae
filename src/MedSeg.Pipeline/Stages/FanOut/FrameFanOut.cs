using System.Threading.Channels;
using MedSeg.Core.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Gives every finished frame to every sink: one reference per sink, each through its own edge.
/// </summary>
/// <remarks>
/// Inputs: finished frames. Outputs: one channel per sink (the builder sets each edge's policy).
/// Options: the sink names, for logs and stall counts; per sink, the one stream it takes (or all).
/// Memory: counters only.
/// Notes: a full DropOldest (Latest) edge never refuses a write, so only a NeverDrop sink can
/// hold the fan-out back. When that happens the fan-out counts a stall for that sink, logs a
/// warning (first time, then every 100th) and waits: nothing is lost, and the back-pressure
/// reaches the source edge, where the pipeline's mode decides what happens.
/// Several outputs, so the signature differs from <see cref="IPipelineStage{TIn,TOut}"/>; the
/// same completion, cancellation and error rules apply to every output.
/// </remarks>
public sealed class FrameFanOut
{
    private readonly string[] _names;
    private readonly int?[] _streams;
    private readonly long[] _stalls, _stallTicks;
    private readonly ILogger _logger;
    private long _frames;

    /// <param name="sinkStreams">Per sink, the one stream it receives (null: all); null: every sink gets every frame.</param>
    public FrameFanOut(IReadOnlyList<string> sinkNames, ILogger? logger = null, IReadOnlyList<int?>? sinkStreams = null)
    {
        ArgumentNullException.ThrowIfNull(sinkNames);
        _names = [.. sinkNames];
        _streams = sinkStreams is null ? new int?[_names.Length] : [.. sinkStreams];
        if (_streams.Length != _names.Length) throw new ArgumentException($"{_streams.Length} stream filters for {_names.Length} sinks", nameof(sinkStreams));
        _stalls = new long[_names.Length];
        _stallTicks = new long[_names.Length];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Frames read (each delivered to every sink).</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Times sink <paramref name="index"/> was full and held the pipeline back.</summary>
    public long Stalls(int index) => Interlocked.Read(ref _stalls[index]);

    public double StallMilliseconds(int index) => StageTimes.Milliseconds(0, Interlocked.Read(ref _stallTicks[index]));

    public Task RunAsync(ChannelReader<Frame> input, IReadOnlyList<ChannelWriter<Frame>> outputs, CancellationToken ct)
    {
        if (outputs.Count != _names.Length) throw new ArgumentException($"{outputs.Count} outputs for {_names.Length} sinks", nameof(outputs));
        return StageHost.RunAsync(input, (frame, token) => DeliverAllAsync(frame, outputs, token), error =>
        {
            foreach (var output in outputs) output.TryComplete(error);
        }, ct);
    }

    /// <summary>The stage's step: one reference per sink that takes the frame's stream, then the fan-out's own released.</summary>
    private async ValueTask DeliverAllAsync(Frame frame, IReadOnlyList<ChannelWriter<Frame>> outputs, CancellationToken ct)
    {
        try
        {
            for (int i = 0; i < outputs.Count; i++)
                if (_streams[i] is not { } only || only == frame.Info.StreamId)
                    await DeliverAsync(frame.AddRef(), i, outputs[i], ct).ConfigureAwait(false);
        }
        finally
        {
            frame.Dispose();
        }
        Interlocked.Increment(ref _frames);
    }

    private async ValueTask DeliverAsync(Frame frame, int sink, ChannelWriter<Frame> output, CancellationToken ct)
    {
        if (output.TryWrite(frame)) return;
        long stalls = Interlocked.Increment(ref _stalls[sink]);
        if (stalls == 1 || stalls % 100 == 0)
            _logger.LogWarning("Sink '{Sink}' is falling behind: it has held the pipeline back {Count} time(s) ({Ms:F0} ms so far)",
                _names[sink], stalls, StallMilliseconds(sink));
        long start = StageTimes.Now();
        try
        {
            await output.WriteAsync(frame, ct).ConfigureAwait(false);
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        finally
        {
            Interlocked.Add(ref _stallTicks[sink], StageTimes.Now() - start);
        }
    }
}
