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
