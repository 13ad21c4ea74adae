using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

/// <summary>
/// The contract every stage keeps (see <see cref="IPipelineStage{TIn,TOut}"/>): completion,
/// cancellation and error propagation, and no frame leaks whichever way it ends. Each stage's test
/// class inherits these tests.
/// </summary>
public abstract class StageTestBase<TIn, TOut> : IDisposable
    where TIn : class, IDisposable
    where TOut : class, IDisposable
{
    protected FramePool Pool { get; } = new();

    protected abstract IPipelineStage<TIn, TOut> CreateStage();

    protected abstract TIn CreateInput(int index);

    /// <summary>Outputs for <paramref name="inputs"/> inputs that were all queued before the stage started.</summary>
    protected virtual int ExpectedOutputs(int inputs) => inputs;

    [Fact]
    public async Task RunAsync_InputCompletes_ProcessesAllAndCompletesOutput()
    {
        var (input, output) = (Channels.Unbounded<TIn>(), Channels.Unbounded<TOut>());
        for (int i = 0; i < 3; i++) input.Writer.TryWrite(CreateInput(i));
        input.Writer.Complete();

        await Run(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        // A reader's Completion finishes once the writer completed and every item was read.
        var outputs = await Channels.ReadAllAsync(output.Reader).WaitAsync(Channels.Patience);
        Assert.True(output.Reader.Completion.IsCompletedSuccessfully);
        Assert.Equal(ExpectedOutputs(3), outputs.Count);
        Release(outputs);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_EmptyInput_CompletesOutputWithNothing()
    {
        var (input, output) = (Channels.Unbounded<TIn>(), Channels.Unbounded<TOut>());
        input.Writer.Complete();

        await Run(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        Assert.Empty(await Channels.ReadAllAsync(output.Reader));
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsCancellationAndCompletesOutput()
    {
        var (input, output) = (Channels.Unbounded<TIn>(), Channels.Unbounded<TOut>());
        input.Writer.TryWrite(CreateInput(0));
        using var cts = new CancellationTokenSource();
        var run = Run(input.Reader, output.Writer, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Channels.Patience));
        Release(Drain(output.Reader));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => output.Reader.Completion.WaitAsync(Channels.Patience));
        Release(Drain(input.Reader));
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_AlreadyCancelled_ThrowsBeforeReading()
    {
        var (input, output) = (Channels.Unbounded<TIn>(), Channels.Unbounded<TOut>());
        input.Writer.TryWrite(CreateInput(0));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(input.Reader, output.Writer, new CancellationToken(true)).WaitAsync(Channels.Patience));

        Assert.True(output.Reader.Completion.IsCanceled);
        var unread = Drain(input.Reader);
        Assert.Single(unread);
        Release(unread);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_InputFaulted_ThrowsSameErrorAndPassesItDownstream()
    {
        var (input, output) = (Channels.Unbounded<TIn>(), Channels.Unbounded<TOut>());
        input.Writer.TryWrite(CreateInput(0));
        var upstream = new InvalidOperationException("upstream broke");
        input.Writer.Complete(upstream);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Run(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Same(upstream, thrown);
        Release(Drain(output.Reader));
        var downstream = await Assert.ThrowsAsync<InvalidOperationException>(() => output.Reader.Completion.WaitAsync(Channels.Patience));
        Assert.Same(upstream, downstream);
        AssertNoLeaks();
    }

    public virtual void Dispose() => Pool.Dispose();

    protected async Task Run(ChannelReader<TIn> input, ChannelWriter<TOut> output, CancellationToken ct)
    {
        var stage = CreateStage();
        try
        {
            await stage.RunAsync(input, output, ct);
        }
        finally
        {
            (stage as IDisposable)?.Dispose();
        }
    }

    protected static List<T> Drain<T>(ChannelReader<T> reader)
    {
        var items = new List<T>();
        while (reader.TryRead(out var item)) items.Add(item);
        return items;
    }

    protected static void Release<T>(IEnumerable<T> items) where T : IDisposable
    {
        foreach (var item in items) item.Dispose();
    }

    protected void AssertNoLeaks() => Assert.Equal(0, Pool.Outstanding);
}
