using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class MicroBatcherTests : StageTestBase<Frame, FrameBatch>
{
    protected override IPipelineStage<Frame, FrameBatch> CreateStage() =>
        new MicroBatcher(new MicroBatcherOptions { MaxBatch = 2, MaxWait = TimeSpan.Zero });

    protected override Frame CreateInput(int index) => TestFrames.Gray(Pool, index);

    protected override int ExpectedOutputs(int inputs) => (inputs + 1) / 2;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    public async Task RunAsync_MaxBatchFramesQueued_ClosesOnSizeWithoutWaiting(int maxBatch)
    {
        // MaxWait is far longer than any test may take: only the size rule can close these batches.
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = maxBatch, MaxWait = TimeSpan.FromMinutes(10) });
        var (input, output) = (Channels.Unbounded<Frame>(), Channels.Unbounded<FrameBatch>());
        for (int i = 0; i < 3 * maxBatch; i++) input.Writer.TryWrite(TestFrames.Gray(Pool, i));
        var run = batcher.RunAsync(input.Reader, output.Writer, CancellationToken.None);

        var batches = new List<FrameBatch>();
        for (int b = 0; b < 3; b++) batches.Add(await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience));

        Assert.All(batches, b => Assert.Equal(maxBatch, b.Count));
        Assert.All(batches, b => Assert.Equal(BatchClose.Size, b.ClosedBy));
        Assert.Equal(Enumerable.Range(0, 3 * maxBatch).Select(i => (long)i), batches.SelectMany(b => Frames(b)).Select(f => f.Info.Seq));
        Assert.Equal(3, batcher.ClosedBySize);
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
        Release(batches);
        Assert.Equal(0, batcher.Batches.Outstanding);
        AssertNoLeaks();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    public async Task RunAsync_FewerFramesThanMaxBatch_ClosesOnTimeAfterMaxWait(int maxBatch)
    {
        var maxWait = TimeSpan.FromMilliseconds(30);
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = maxBatch, MaxWait = maxWait });
        var (input, output) = (Channels.Unbounded<Frame>(), Channels.Unbounded<FrameBatch>());
        var run = batcher.RunAsync(input.Reader, output.Writer, CancellationToken.None);
        long firstWritten = StageTimes.Now();
        for (int i = 0; i < maxBatch - 1; i++) input.Writer.TryWrite(TestFrames.Gray(Pool, i));

        using var batch = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience);

        Assert.Equal(BatchClose.Time, batch.ClosedBy);
        Assert.Equal(maxBatch - 1, batch.Count);
        // Never before MaxWait after the first frame (a lower bound, not a speed limit).
        Assert.True(StageTimes.Milliseconds(firstWritten, batch[0].Times.Batched) >= maxWait.TotalMilliseconds - 0.01,
            $"closed after {StageTimes.Milliseconds(firstWritten, batch[0].Times.Batched):F2} ms");
        Assert.Equal(1, batcher.ClosedByTime);
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
    }

    [Fact]
    public async Task RunAsync_InputEndsWithOpenBatch_FlushesItAtOnce()
    {
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 4, MaxWait = TimeSpan.FromMinutes(10) });
        var (input, output) = (Channels.Unbounded<Frame>(), Channels.Unbounded<FrameBatch>());
        for (int i = 0; i < 6; i++) input.Writer.TryWrite(TestFrames.Gray(Pool, i));
        input.Writer.Complete();

        await batcher.RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        var batches = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([4, 2], batches.Select(b => b.Count));
        Assert.Equal([BatchClose.Size, BatchClose.EndOfStream], batches.Select(b => b.ClosedBy));
        Assert.All(batches.SelectMany(Frames), f => Assert.True(f.Times.Batched >= f.Times.Queued));
        Release(batches);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_SteadyStream_ReusesBatchObjects()
    {
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 2, MaxWait = TimeSpan.Zero });
        var input = Channels.Unbounded<Frame>();
        var output = Channel.CreateBounded<FrameBatch>(1);
        var run = batcher.RunAsync(input.Reader, output.Writer, CancellationToken.None);
        for (int i = 0; i < 40; i++)
        {
            input.Writer.TryWrite(TestFrames.Gray(Pool, 2 * i));
            input.Writer.TryWrite(TestFrames.Gray(Pool, 2 * i + 1));
            for (int taken = 0; taken < 2;)
            {
                using var batch = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience);
                taken += batch.Count;
            }
        }
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
        Release(Drain(output.Reader));

        Assert.True(batcher.Batches.Created <= 3, $"{batcher.Batches.Created} batch objects for 40+ batches");
        Assert.Equal(0, batcher.Batches.Outstanding);
        AssertNoLeaks();
    }

    [Fact]
    public void Options_Invalid_ThrowOutOfRangeNamingTheOption()
    {
        Assert.Equal("MaxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatcherOptions { MaxBatch = 0 }.Validate()).ParamName);
        Assert.Equal("MaxWait", Assert.Throws<ArgumentOutOfRangeException>(() => new MicroBatcherOptions { MaxWait = TimeSpan.FromMilliseconds(-1) }.Validate()).ParamName);
    }

    [Fact]
    public async Task RunAsync_ZeroMaxWait_TakesWhatIsQueuedWithoutWaitingForMore()
    {
        // The live default: three frames already waiting form one batch at once; a later lone
        // frame goes out alone, although the batch has room and the input is still open.
        var batcher = new MicroBatcher(new MicroBatcherOptions { MaxBatch = 8, MaxWait = TimeSpan.Zero });
        var (input, output) = (Channels.Unbounded<Frame>(), Channels.Unbounded<FrameBatch>());
        for (int i = 0; i < 3; i++) input.Writer.TryWrite(TestFrames.Gray(Pool, i));
        var run = batcher.RunAsync(input.Reader, output.Writer, CancellationToken.None);

        using (var first = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience))
        {
            Assert.Equal([0L, 1, 2], Frames(first).Select(f => f.Info.Seq));
            Assert.Equal(BatchClose.Time, first.ClosedBy);
        }
        input.Writer.TryWrite(TestFrames.Gray(Pool, 3));
        using (var second = await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience))
        {
            Assert.Equal([3L], Frames(second).Select(f => f.Info.Seq));
        }
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
        Assert.Equal(2, batcher.ClosedByTime);
        AssertNoLeaks();
    }

    private static IEnumerable<Frame> Frames(FrameBatch batch) => Enumerable.Range(0, batch.Count).Select(i => batch[i]);
}
