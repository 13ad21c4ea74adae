using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

/// <summary>Several streams into one batcher: round-robin, no stream starves, completion waits for every stream.</summary>
public sealed class FairBatchingTests : IDisposable
{
    private readonly FramePool[] _pools = [new(streamId: 0), new(streamId: 1), new(streamId: 2)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RunAsync_EveryStreamQueued_BatchesTakeStreamsInTurn(int maxBatch)
    {
        var inputs = _pools.Select(_ => Channels.Unbounded<Frame>()).ToArray();
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < 6; i++) inputs[s].Writer.TryWrite(TestFrames.Gray(_pools[s], i));
            inputs[s].Writer.Complete();
        }
        var output = Channels.Unbounded<FrameBatch>();
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = maxBatch, MaxWait = TimeSpan.Zero });

        await batcher.RunAsync([.. inputs.Select(c => c.Reader)], output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        var batches = await Channels.ReadAllAsync(output.Reader);
        var order = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b[i].Info)).ToList();
        Assert.Equal(18, order.Count);
        // Round-robin: stream ids cycle 0, 1, 2, 0, … and each stream keeps its own order.
        Assert.Equal(Enumerable.Range(0, 18).Select(i => i % 3), order.Select(f => f.StreamId));
        for (int s = 0; s < 3; s++) Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), order.Where(f => f.StreamId == s).Select(f => f.Seq));
        foreach (var b in batches) b.Dispose();
        Assert.All(_pools, p => Assert.Equal(0, p.Outstanding));
    }

    [Fact]
    public async Task RunAsync_OneStreamFloods_TheQuietStreamIsServedInTheFirstRound()
    {
        var flood = Channels.Unbounded<Frame>();
        var quiet = Channels.Unbounded<Frame>();
        for (int i = 0; i < 100; i++) flood.Writer.TryWrite(TestFrames.Gray(_pools[0], i));
        quiet.Writer.TryWrite(TestFrames.Gray(_pools[1], 0));
        flood.Writer.Complete();
        quiet.Writer.Complete();
        var output = Channels.Unbounded<FrameBatch>();
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 1, MaxWait = TimeSpan.Zero });

        await batcher.RunAsync([flood.Reader, quiet.Reader], output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        var batches = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal(101, batches.Count);
        Assert.Equal(1, batches[1][0].Info.StreamId); // second batch, right after the flood's first frame
        foreach (var b in batches) b.Dispose();
    }

    [Fact]
    public async Task RunAsync_OneStreamEndsEarly_OthersStillFlowAndOutputCompletesAfterTheLast()
    {
        var early = Channels.Unbounded<Frame>();
        var late = Channels.Unbounded<Frame>();
        early.Writer.TryWrite(TestFrames.Gray(_pools[0], 0));
        early.Writer.Complete();
        var output = Channels.Unbounded<FrameBatch>();
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 4, MaxWait = TimeSpan.Zero });
        var run = batcher.RunAsync([early.Reader, late.Reader], output.Writer, CancellationToken.None);

        using (var first = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience)) Assert.Equal(0, first[0].Info.StreamId);
        late.Writer.TryWrite(TestFrames.Gray(_pools[1], 0));
        using (var second = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience)) Assert.Equal(1, second[0].Info.StreamId);
        Assert.False(run.IsCompleted);
        late.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
        Assert.True(output.Reader.Completion.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_OneStreamFaults_TheErrorStopsTheBatcherAndGoesDownstream()
    {
        var ok = Channels.Unbounded<Frame>();
        var broken = Channels.Unbounded<Frame>();
        var error = new IOException("probe unplugged");
        broken.Writer.Complete(error);
        var output = Channels.Unbounded<FrameBatch>();
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 2, MaxWait = TimeSpan.Zero });

        var thrown = await Assert.ThrowsAsync<IOException>(() => batcher.RunAsync([ok.Reader, broken.Reader], output.Writer, CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Same(error, thrown);
        Assert.Same(error, await Assert.ThrowsAsync<IOException>(() => output.Reader.Completion));
    }

    public void Dispose()
    {
        foreach (var pool in _pools) pool.Dispose();
    }
}
