using System.Threading.Channels;

namespace MedSeg.Pipeline.Tests.Support;

internal static class Channels
{
    /// <summary>Hang guard, not a speed assertion: a broken stage fails the test instead of hanging the run.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static Channel<T> Unbounded<T>() => Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public static async Task<List<T>> ReadAllAsync<T>(ChannelReader<T> reader)
    {
        var items = new List<T>();
        await foreach (var item in reader.ReadAllAsync().WithCancellation(CancellationToken.None)) items.Add(item);
        return items;
    }
}
