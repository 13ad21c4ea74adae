using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sinks;

namespace MedSeg.Cli.Bench;

/// <summary>
/// Keeps every frame's end-to-end latency (captured → postprocessed) in a preallocated array, for
/// the histogram and CDF plots; the pipeline's own statistics give the percentiles.
/// </summary>
public sealed class LatencyProbeSink(int capacity, int warmup) : IFrameSink
{
    private readonly double[] _samples = new double[capacity];
    private int _seen;
    private int _count;

    public string Name => "latency-probe";
    public SinkPolicy Policy => SinkPolicy.NeverDrop;
    public int Capacity => 8;
    public long Discarded => 0;

    public ReadOnlySpan<double> Samples => _samples.AsSpan(0, _count);

    public Task RunAsync(ChannelReader<Frame> input, CancellationToken ct) =>
        Pipeline.StageHost.ConsumeAsync(input, (frame, _) =>
        {
            if (_seen++ >= warmup && _count < _samples.Length) _samples[_count++] = frame.ReadOnlyTimes.EndToEndMs;
            return default;
        }, ct);
}
