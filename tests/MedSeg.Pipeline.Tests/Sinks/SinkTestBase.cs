using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sinks;

/// <summary>
/// The contract every sink keeps (see <see cref="IFrameSink"/>): it reads until its input
/// completes and releases (or hands on) every frame, whether the input ends, faults or the sink is
/// cancelled; a never-drop sink discards nothing. Each sink's contract class inherits these tests.
/// </summary>
public abstract class SinkTestBase : IDisposable
{
    protected FramePool Pool { get; } = new();

    protected abstract IFrameSink CreateSink();

    protected static Frame Finished(FramePool pool, long seq)
    {
        var frame = TestFrames.Inferred(pool, seq, (x, y) => x > 8 ? 0.9f : 0.1f);
        frame.Times.Postprocessed = StageTimes.Now();
        return frame;
    }

    [Fact]
    public async Task RunAsync_InputCompletes_ReleasesEveryFrame()
    {
        var sink = CreateSink();
        var input = Channels.Unbounded<Frame>();
        for (int i = 0; i < 5; i++) input.Writer.TryWrite(Finished(Pool, i));
        input.Writer.Complete();

        await sink.RunAsync(input.Reader, CancellationToken.None).WaitAsync(Channels.Patience);

        Release(sink);
        Assert.Equal(0, Pool.Outstanding);
        if (sink.Policy == SinkPolicy.NeverDrop) Assert.Equal(0, sink.Discarded);
    }

    [Fact]
    public async Task RunAsync_InputFaulted_StopsAndReleasesWhatItRead()
    {
        var sink = CreateSink();
        var input = Channels.Unbounded<Frame>();
        for (int i = 0; i < 3; i++) input.Writer.TryWrite(Finished(Pool, i));
        input.Writer.Complete(new InvalidOperationException("upstream broke"));

        try
        {
            await sink.RunAsync(input.Reader, CancellationToken.None).WaitAsync(Channels.Patience);
        }
        catch (InvalidOperationException e) when (e.Message == "upstream broke")
        {
            // The pipeline's fault, reported once by its origin; the sink may pass it on.
        }

        Release(sink);
        Assert.Equal(0, Pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsCancellationAndLeaksNothing()
    {
        var sink = CreateSink();
        var input = Channels.Unbounded<Frame>();
        input.Writer.TryWrite(Finished(Pool, 0));
        using var cts = new CancellationTokenSource();
        var run = sink.RunAsync(input.Reader, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
        while (input.Reader.TryRead(out var f)) f.Dispose();
        Release(sink);
        Assert.Equal(0, Pool.Outstanding);
    }

    /// <summary>Frames 0 … <paramref name="count"/> − 1 through <paramref name="sink"/> until the input completes.</summary>
    protected async Task RunFramesAsync(IFrameSink sink, int count)
    {
        var input = Channels.Unbounded<Frame>();
        for (int i = 0; i < count; i++) input.Writer.TryWrite(Finished(Pool, i));
        input.Writer.Complete();
        await sink.RunAsync(input.Reader, CancellationToken.None).WaitAsync(Channels.Patience);
    }

    /// <summary>A sink that hands frames on (the mailbox) keeps the last one until disposed.</summary>
    protected static void Release(IFrameSink sink) => (sink as IDisposable)?.Dispose();

    public virtual void Dispose() => Pool.Dispose();
}
