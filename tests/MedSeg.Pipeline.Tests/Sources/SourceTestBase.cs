using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

/// <summary>
/// The contract every source keeps (see <see cref="IFrameSource"/>): stamped frames in Seq order,
/// the stream id of its pool, a normal end on cancellation, and no frame leaked whichever way it
/// stops. Each source's contract class inherits these tests.
/// </summary>
public abstract class SourceTestBase : IDisposable
{
    protected FramePool Pool { get; } = new(streamId: 3);

    /// <summary>A finite source of <see cref="Frames"/> frames, as fast as the channel takes them.</summary>
    protected abstract IFrameSource CreateSource(FramePool pool);

    protected virtual int Frames => 5;

    [Fact]
    public async Task RunAsync_ToTheEnd_WritesStampedFramesOfItsStreamInSeqOrder()
    {
        var output = Channels.Unbounded<Frame>();
        await CreateSource(Pool).RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();

        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal(Frames, frames.Count);
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (long)i), frames.Select(f => f.Info.Seq));
        Assert.All(frames, f =>
        {
            Assert.Equal(3, f.Info.StreamId);
            Assert.True(f.Times.Captured > 0 && f.Times.Queued >= f.Times.Captured, "Captured and Queued are stamped, in order");
            Assert.Equal(f.Info.PixelBytes, f.Pixels.Length);
        });
        foreach (var f in frames) f.Dispose();
        Assert.Equal(0, Pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileTheOutputIsFull_EndsNormallyAndLeaksNothing()
    {
        var output = Channel.CreateBounded<Frame>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        using var cts = new CancellationTokenSource();
        var run = CreateSource(Pool).RunAsync(output.Writer, cts.Token);
        await output.Reader.WaitToReadAsync().AsTask().WaitAsync(Channels.Patience);

        await cts.CancelAsync();

        try
        {
            await run.WaitAsync(Channels.Patience);
        }
        catch (OperationCanceledException)
        {
            // Both a return and a cancellation end the stream normally.
        }
        while (output.Reader.TryRead(out var f)) f.Dispose();
        Assert.Equal(0, Pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_OutputAlreadyClosed_FailsAndReleasesTheFrameItHeld()
    {
        var output = Channels.Unbounded<Frame>();
        output.Writer.Complete();

        await Assert.ThrowsAsync<ChannelClosedException>(() => CreateSource(Pool).RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Equal(0, Pool.Outstanding);
    }

    public virtual void Dispose() => Pool.Dispose();
}
