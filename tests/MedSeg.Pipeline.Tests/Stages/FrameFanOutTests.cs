using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

/// <summary>The fan-out has several outputs, so it keeps the stage contract here by hand.</summary>
public sealed class FrameFanOutTests : IDisposable
{
    private readonly FramePool _pool = new();

    [Fact]
    public async Task RunAsync_EverySinkGetsItsOwnReference()
    {
        var fanOut = new FrameFanOut(["a", "b"]);
        var input = Channels.Unbounded<Frame>();
        Channel<Frame>[] outputs = [Channels.Unbounded<Frame>(), Channels.Unbounded<Frame>()];
        var frame = TestFrames.Gray(_pool, 0);
        input.Writer.TryWrite(frame);
        input.Writer.Complete();

        await fanOut.RunAsync(input.Reader, [outputs[0].Writer, outputs[1].Writer], CancellationToken.None).WaitAsync(Channels.Patience);

        // One lease per sink on the same image; the fan-out's own lease is released.
        var a = await outputs[0].Reader.ReadAsync();
        var b = await outputs[1].Reader.ReadAsync();
        Assert.Equal(2, a.RefCount);
        Assert.NotSame(a, b);
        Assert.Equal(0, frame.RefCount);
        Assert.Equal(frame.Generation, a.Generation);
        Assert.All(outputs, o => Assert.True(o.Reader.Completion.IsCompletedSuccessfully));
        a.Dispose();
        Assert.Equal(1, _pool.Outstanding);
        b.Dispose();
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_NeverDropSinkFull_WaitsAndCountsTheStall()
    {
        var fanOut = new FrameFanOut(["recorder"]);
        var input = Channels.Unbounded<Frame>();
        var output = Channel.CreateBounded<Frame>(1);
        for (int i = 0; i < 3; i++) input.Writer.TryWrite(TestFrames.Gray(_pool, i));
        input.Writer.Complete();
        var run = fanOut.RunAsync(input.Reader, [output.Writer], CancellationToken.None);

        var seen = new List<long>();
        await foreach (var f in output.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
            using (f) seen.Add(f.Info.Seq);
        await run.WaitAsync(Channels.Patience);

        Assert.Equal([0L, 1, 2], seen);
        Assert.True(fanOut.Stalls(0) >= 1);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_InputFaulted_CompletesEveryOutputWithTheError()
    {
        var fanOut = new FrameFanOut(["a", "b"]);
        var input = Channels.Unbounded<Frame>();
        Channel<Frame>[] outputs = [Channels.Unbounded<Frame>(), Channels.Unbounded<Frame>()];
        var error = new InvalidOperationException("upstream broke");
        input.Writer.Complete(error);

        Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => fanOut.RunAsync(input.Reader, [outputs[0].Writer, outputs[1].Writer], CancellationToken.None)));
        foreach (var o in outputs) Assert.Same(error, await Assert.ThrowsAsync<InvalidOperationException>(() => o.Reader.Completion));
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReleasesTheFrameItWasDelivering()
    {
        var fanOut = new FrameFanOut(["slow"]);
        var input = Channels.Unbounded<Frame>();
        var output = Channel.CreateBounded<Frame>(1);
        input.Writer.TryWrite(TestFrames.Gray(_pool, 0));
        input.Writer.TryWrite(TestFrames.Gray(_pool, 1)); // waits: the sink never reads
        using var cts = new CancellationTokenSource();
        var run = fanOut.RunAsync(input.Reader, [output.Writer], cts.Token);
        await Task.Delay(20);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
        while (output.Reader.TryRead(out var f)) f.Dispose();
        Assert.Equal(0, _pool.Outstanding);
    }

    public void Dispose() => _pool.Dispose();
}
