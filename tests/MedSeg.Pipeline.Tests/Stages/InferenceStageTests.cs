using MedSeg.Core.Frames;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class InferenceStageTests : StageTestBase<FrameBatch, FrameBatch>
{
    private readonly FrameBatchPool _batches = new(4);
    private readonly ThresholdEngine _engine = new(maxBatch: 4);

    protected override IPipelineStage<FrameBatch, FrameBatch> CreateStage() => new InferenceStage(_engine, new InferenceStageOptions { MaxBatch = 4 });

    protected override FrameBatch CreateInput(int index) => Batch(index, 2);

    [Fact]
    public async Task RunAsync_Batch_EachFrameGetsItsOwnLabelsAndStamps()
    {
        // Frames differ, so a wrong offset into the staging arrays shows up as swapped masks.
        using var batch = Batch(0, 3);
        for (int i = 0; i < 3; i++)
        {
            var x = batch[i].Input;
            for (int p = 0; p < x.Length; p++) x[p] = (p + i) % 3 == 0 ? 0.9f : 0.1f;
        }
        var (input, output) = (Channels.Unbounded<FrameBatch>(), Channels.Unbounded<FrameBatch>());
        input.Writer.TryWrite(batch);
        input.Writer.Complete();

        await CreateStage().RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);

        Assert.Same(batch, Assert.Single(await Channels.ReadAllAsync(output.Reader)));
        Assert.Equal([3], _engine.BatchSizes);
        for (int i = 0; i < 3; i++)
        {
            var frame = batch[i];
            Assert.Equal((16, 16), (frame.OutputWidth, frame.OutputHeight));
            for (int p = 0; p < 256; p++)
            {
                Assert.Equal((p + i) % 3 == 0 ? 1 : 0, frame.Labels[p]);
                Assert.Equal((p + i) % 3 == 0 ? 0.9f : 0.1f, frame.Foreground[p]);
            }
            Assert.True(frame.Times.Batched <= frame.Times.InferenceStart);
            Assert.True(frame.Times.InferenceStart <= frame.Times.InferenceEnd);
        }
    }

    [Fact]
    public async Task RunAsync_NextBatchWaiting_IsStagedAndSubmittedWhileTheCurrentOneComputes()
    {
        // The engine is held inside batch A; batch B must still reach the other slot (double buffering), and both come out in order.
        using var gate = new ManualResetEventSlim(false);
        _engine.Gate = gate;
        var (input, output) = (Channels.Unbounded<FrameBatch>(), Channels.Unbounded<FrameBatch>());
        var a = Batch(0, 2);
        var b = Batch(1, 3);
        for (int i = 0; i < 3; i++) b[i].Input.Fill(0.25f);
        input.Writer.TryWrite(a);
        input.Writer.TryWrite(b);
        var stage = CreateStage();
        // On its own thread: the stage blocks in the engine (as in the pipeline, where stages run on the pool).
        var run = Task.Run(() => stage.RunAsync(input.Reader, output.Writer, CancellationToken.None));

        Assert.True(SpinWait.SpinUntil(() => _engine.Submitted.Count == 2, Channels.Patience), "batch B was not submitted while A computed");
        Assert.Equal(0, _engine.Calls); // A is still inside the engine
        Assert.False(output.Reader.TryRead(out _));
        gate.Set();
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);

        var results = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([a, b], results);
        Assert.Equal([2, 3], _engine.Submitted);
        Assert.All(Enumerable.Range(0, 2), i => Assert.Equal(1, a[i].Labels[0]));
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0, b[i].Labels[0]));
        Assert.True(a[0].Times.InferenceEnd <= b[0].Times.InferenceStart);
        foreach (var batch in results) batch.Dispose();
    }

    [Fact]
    public async Task RunAsync_NoNextBatch_HandsTheBatchOnWithoutWaitingForOne()
    {
        // Double buffering must not hold a live stream's frame until the next one arrives.
        var (input, output) = (Channels.Unbounded<FrameBatch>(), Channels.Unbounded<FrameBatch>());
        var a = Batch(0, 1);
        input.Writer.TryWrite(a);
        var stage = CreateStage();
        var run = Task.Run(() => stage.RunAsync(input.Reader, output.Writer, CancellationToken.None));

        Assert.Same(a, await output.Reader.ReadAsync().AsTask().WaitAsync(Channels.Patience));
        Assert.False(run.IsCompleted); // still waiting for input
        input.Writer.Complete();
        await run.WaitAsync(Channels.Patience);
        a.Dispose();
    }

    [Fact]
    public async Task RunAsync_EngineThrows_StageFailsAndReleasesTheBatch()
    {
        _engine.FailOnCall = 1;
        var (input, output) = (Channels.Unbounded<FrameBatch>(), Channels.Unbounded<FrameBatch>());
        input.Writer.TryWrite(Batch(0, 2));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateStage().RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Contains("exploded", e.Message);
        Assert.Same(e, await Assert.ThrowsAsync<InvalidOperationException>(() => output.Reader.Completion));
        AssertNoLeaks();
    }

    [Fact]
    public void Constructor_MaxBatchAboveEngines_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InferenceStage(_engine, new InferenceStageOptions { MaxBatch = 5 }));

    private FrameBatch Batch(int first, int count)
    {
        var batch = _batches.Rent();
        for (int i = 0; i < count; i++)
        {
            var frame = TestFrames.Gray(Pool, first * 10 + i);
            frame.AllocateInput(256).Fill(0.75f);
            frame.Times.Preprocessed = frame.Times.Batched = StageTimes.Now();
            batch.Add(frame);
        }
        return batch;
    }
}
