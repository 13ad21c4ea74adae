using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// The batcher's idle wait allocates nothing: many waits on empty inputs, each woken by a frame or
/// by its timeout, measured with the process-wide allocation counter (the wake-ups run on pool and
/// timer threads). Alone in its collection so no other test runs meanwhile; the runner still
/// allocates now and then (reporting earlier results), so the cleanest of several windows counts:
/// an allocation per wait shows in every window.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class IdleWaitAllocationTests : IDisposable
{
    // Less than the smallest object (24 bytes) per wait, so one allocation per wait fails. The old
    // wait allocated a Task per input, a WhenAny, a state machine (and a Task.Delay with a timeout):
    // 380–510 bytes per wait woken by a frame, 440 per timeout.
    private const double MaxBytesPerWait = 24;
    private const int Windows = 5;
    private readonly FramePool _pool = new();

    /// <summary>The fewest bytes per wait over <see cref="Windows"/> windows of <paramref name="waits"/> waits each.</summary>
    private static async Task<(double PerWait, long Bytes)> CleanestWindowAsync(int waits, Func<int, Task> run)
    {
        double best = double.MaxValue;
        long bestBytes = 0;
        for (int w = 0; w < Windows; w++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await run(waits);
            long bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (bytes / (double)waits < best) (best, bestBytes) = (bytes / (double)waits, bytes);
        }
        return (best, bestBytes);
    }

    private static Channel<Frame> Edge() =>
        Channel.CreateBounded<Frame>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task WaitAnyAsync_WokenByAFrame_AllocatesNothingPerWait(int streams)
    {
        var edges = Enumerable.Range(0, streams).Select(_ => Edge()).ToArray();
        using var inputs = new FairInputs([.. edges.Select(e => e.Reader)], CancellationToken.None);
        var frame = TestFrames.Gray(_pool, 0);

        async Task<Frame> Cycles(int count, Frame f)
        {
            for (int i = 0; i < count; i++)
            {
                var wait = inputs.WaitAnyAsync(Timeout.InfiniteTimeSpan);
                Assert.False(wait.IsCompleted);   // nothing queued: a real idle wait
                Assert.True(edges[i % streams].Writer.TryWrite(f));
                Assert.True(await wait);
                Assert.True(inputs.TryRead(out f));
            }
            return f;
        }

        frame = await Cycles(200, frame);   // warm: JIT, the thread pool
        var (perWait, bytes) = await CleanestWindowAsync(1000, async n => frame = await Cycles(n, frame));
        frame.Dispose();

        Assert.True(perWait < MaxBytesPerWait, $"{bytes} bytes over 1000 idle waits ({perWait:F1} per wait) in the cleanest of {Windows} windows");
    }

    [Fact]
    public async Task WaitAnyAsync_EndedByItsTimeout_AllocatesNothingPerWait()
    {
        var edge = Edge();
        using var inputs = new FairInputs([edge.Reader], CancellationToken.None);

        async Task Timeouts(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var wait = inputs.WaitAnyAsync(TimeSpan.FromMilliseconds(1));
                Assert.False(wait.IsCompleted);
                Assert.True(await wait);   // true on a timeout too: the caller looks at its clock
                Assert.False(inputs.TryRead(out _));
            }
        }

        await Timeouts(50);
        var (perWait, bytes) = await CleanestWindowAsync(200, Timeouts);

        Assert.True(perWait < MaxBytesPerWait, $"{bytes} bytes over 200 timed-out waits ({perWait:F1} per wait) in the cleanest of {Windows} windows");
    }

    [Fact]
    public async Task WaitAnyAsync_Cancelled_ThrowsWithoutAFrame()
    {
        using var cts = new CancellationTokenSource();
        using var inputs = new FairInputs([Edge().Reader], cts.Token);

        var wait = inputs.WaitAnyAsync(Timeout.InfiniteTimeSpan);
        Assert.False(wait.IsCompleted);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await wait.AsTask().WaitAsync(Channels.Patience));
    }

    [Fact]
    public async Task WaitAnyAsync_EveryInputCompletes_ReturnsFalse()
    {
        var a = Edge();
        var b = Edge();
        using var inputs = new FairInputs([a.Reader, b.Reader], CancellationToken.None);

        var wait = inputs.WaitAnyAsync(Timeout.InfiniteTimeSpan);
        Assert.False(wait.IsCompleted);
        a.Writer.Complete();
        b.Writer.Complete();

        // An input ending wakes the wait to look again; once it has seen both end, it says so.
        int wakes = 0;
        while (await wait.AsTask().WaitAsync(Channels.Patience))
        {
            Assert.False(inputs.TryRead(out _));
            Assert.True(++wakes <= 2, "woke more often than inputs ended");
            wait = inputs.WaitAnyAsync(Timeout.InfiniteTimeSpan);
        }
    }

    [Fact]
    public async Task WaitAnyAsync_InputFailed_ThrowsItsError()
    {
        var a = Edge();
        using var inputs = new FairInputs([a.Reader], CancellationToken.None);

        var wait = inputs.WaitAnyAsync(Timeout.InfiniteTimeSpan);
        a.Writer.Complete(new InvalidDataException("bad source"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await wait.AsTask().WaitAsync(Channels.Patience));
        Assert.Equal("bad source", e.Message);
    }

    public void Dispose() => _pool.Dispose();
}
