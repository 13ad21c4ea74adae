using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sinks;

/// <summary>
/// Hands the newest finished frame to the render loop: one slot, latest wins, never blocks.
/// </summary>
/// <remarks>
/// Inputs: finished frames (edge: Latest, capacity 1). Outputs: <see cref="TryTake"/> for the
/// render loop. Memory: one slot; replaced frames are released at once and counted in
/// <see cref="Discarded"/>. Notes: the taker owns the frame it takes (stamp
/// <see cref="StageTimes.Presented"/> after drawing, then Dispose). The last frame stays in the
/// slot after the run for a final draw; dispose the mailbox to release it.
/// </remarks>
public sealed class RenderMailbox : IFrameSink, IDisposable
{
    private Frame? _slot;
    private long _posted, _replaced, _taken;

    /// <param name="stream">The one stream this mailbox shows (a tiled view has one per stream); null: every frame.</param>
    public RenderMailbox(int? stream = null)
    {
        if (stream < 0) throw new ArgumentOutOfRangeException(nameof(stream), stream, "must be ≥ 0");
        Stream = stream;
        Name = stream is { } s ? $"render-s{s}" : "render";
    }

    public string Name { get; }
    public int? Stream { get; }
    public SinkPolicy Policy => SinkPolicy.Latest;
    public int Capacity => 1;
    public long Discarded => Interlocked.Read(ref _replaced);
    public long Posted => Interlocked.Read(ref _posted);
    public long Taken => Interlocked.Read(ref _taken);

    public async Task RunAsync(ChannelReader<Frame> input, CancellationToken ct)
    {
        await foreach (var frame in input.ReadAllAsync(ct).ConfigureAwait(false)) Post(frame);
    }

    /// <summary>Puts <paramref name="frame"/> in the slot (taking over the caller's reference) and releases the one it replaces.</summary>
    public void Post(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var old = Interlocked.Exchange(ref _slot, frame);
        Interlocked.Increment(ref _posted);
        if (old is null) return;
        Interlocked.Increment(ref _replaced);
        old.Dispose();
    }

    /// <summary>The newest frame not yet taken, if any; never blocks. The caller must Dispose it.</summary>
    public bool TryTake(out Frame frame)
    {
        frame = Interlocked.Exchange(ref _slot, null)!;
        if (frame is null) return false;
        Interlocked.Increment(ref _taken);
        return true;
    }

    public void Dispose() => Interlocked.Exchange(ref _slot, null)?.Dispose();
}
