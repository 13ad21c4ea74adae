using System.Threading.Channels;

namespace MedSeg.Pipeline;

/// <summary>A bounded channel between two stages, with its policy and its counts.</summary>
/// <remarks>DropOldest edges release the dropped item (<see cref="IDisposable.Dispose"/>) and count it.
/// Writes are counted by a thin writer wrapper, so "frames in" comes from the edge itself.</remarks>
internal sealed class PipelineEdge<T> : IPipelineEdge where T : class, IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Func<T, int>? _frames;
    private long _dropped;

    /// <param name="frames">How many frames one item holds (a batch edge), so drops count frames, not items.</param>
    public PipelineEdge(string name, BoundedChannelFullMode mode, int capacity, Func<T, int>? frames = null)
    {
        _frames = frames;
        if (mode is not (BoundedChannelFullMode.Wait or BoundedChannelFullMode.DropOldest))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "edges either wait or drop their oldest item");
        Name = name;
        Mode = mode;
        Capacity = capacity;
        var options = new BoundedChannelOptions(capacity) { FullMode = mode, SingleReader = true, SingleWriter = true };
        _channel = mode == BoundedChannelFullMode.DropOldest
            ? Channel.CreateBounded<T>(options, OnDropped)
            : Channel.CreateBounded<T>(options);
        Writer = new CountingWriter(_channel.Writer);
    }

    public string Name { get; }
    public BoundedChannelFullMode Mode { get; }
    public int Capacity { get; }
    public ChannelReader<T> Reader => _channel.Reader;
    public CountingWriter Writer { get; }
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Releases whatever is still queued (after a stopped run); returns how many.</summary>
    public int DrainAndRelease()
    {
        int n = 0;
        while (_channel.Reader.TryRead(out var item))
        {
            item.Dispose();
            n++;
        }
        return n;
    }

    public EdgeReport Report() => new(Name, Mode, Capacity, Writer.Written, Dropped);

    private void OnDropped(T item)
    {
        Interlocked.Add(ref _dropped, _frames?.Invoke(item) ?? 1);
        item.Dispose();
    }

    internal sealed class CountingWriter(ChannelWriter<T> inner) : ChannelWriter<T>
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public override bool TryWrite(T item)
        {
            if (!inner.TryWrite(item)) return false;
            Interlocked.Increment(ref _written);
            return true;
        }

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken ct = default) => inner.WaitToWriteAsync(ct);

        public override ValueTask WriteAsync(T item, CancellationToken ct = default)
        {
            var write = inner.WriteAsync(item, ct);
            if (!write.IsCompletedSuccessfully) return Counted(write);
            Interlocked.Increment(ref _written);
            return default;
        }

        public override bool TryComplete(Exception? error = null) => inner.TryComplete(error);

        private async ValueTask Counted(ValueTask write)
        {
            await write.ConfigureAwait(false);
            Interlocked.Increment(ref _written);
        }
    }
}
