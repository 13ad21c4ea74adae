using MedSeg.Core.Frames;
using MedSeg.Core.Inference;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class PostprocessStageTests : StageTestBase<FrameBatch, Frame>
{
    private static readonly EngineDescription s_binary = new("t", "cpu", 1, 16, 16, ["background", "foreground"], 0);
    private readonly FrameBatchPool _batches = new(4);

    protected override IPipelineStage<FrameBatch, Frame> CreateStage() => new PostprocessStage(new PostprocessOptions(), s_binary);

    protected override FrameBatch CreateInput(int index) => Batch(TestFrames.Inferred(Pool, 2 * index, (x, y) => 0.9f), TestFrames.Inferred(Pool, 2 * index + 1, (x, y) => 0.1f));

    protected override int ExpectedOutputs(int inputs) => 2 * inputs;

    [Fact]
    public async Task RunAsync_Default_UnbatchesInOrderUnchangedAndStamps()
    {
        var outputs = await Run(new PostprocessOptions(), CreateInput(0), CreateInput(1));

        Assert.Equal([0L, 1, 2, 3], outputs.Select(f => f.Info.Seq));
        Assert.All(outputs, f => Assert.True(f.ReadOnlyTimes.Postprocessed >= f.ReadOnlyTimes.InferenceEnd && f.ReadOnlyTimes.IsMonotonic()));
        Assert.All(outputs[0].ReadOnlyLabels.ToArray(), l => Assert.Equal(1, l));
        Assert.Equal(0, _batches.Outstanding);
        Release(outputs);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_Output_IsSealed_SpansRefuseWritesAndReadOnlyViewsRead()
    {
        var outputs = await Run(new PostprocessOptions(), CreateInput(0));

        foreach (var f in outputs)
        {
            Assert.True(f.IsSealed);
            Assert.Throws<FrameLeaseException>(() => { f.Labels[0] = 0; });
            Assert.Throws<FrameLeaseException>(() => { f.Foreground[0] = 0; });
            Assert.Throws<FrameLeaseException>(() => { f.Pixels[0] = 0; });
            Assert.Throws<FrameLeaseException>(() => { f.Input[0] = 0; });
            Assert.Equal(16 * 16, f.ReadOnlyLabels.Length);
        }
        Assert.Equal(1, outputs[0].ReadOnlyLabels[0]);   // probability 0.9: unchanged by the refused writes
        Assert.Equal(0.9f, outputs[0].ReadOnlyForeground[0]);
        Release(outputs);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_Smoothing_OneFrameBlipIsSuppressed()
    {
        // Foreground for three frames, one frame of nothing, then foreground again: with α = 0.3 the
        // moving average stays above 0.5 through the blip, so the mask does not flicker.
        float[] p = [0.9f, 0.9f, 0.9f, 0.0f, 0.9f];
        var frames = p.Select((v, i) => Batch(TestFrames.Inferred(Pool, i, (x, y) => v))).ToArray();

        var outputs = await Run(new PostprocessOptions { SmoothingAlpha = 0.3 }, frames);

        Assert.All(outputs, f => Assert.All(f.ReadOnlyLabels.ToArray(), l => Assert.Equal(1, l)));
        Assert.Equal(0.63f, outputs[3].ReadOnlyForeground[0], 3); // 0.3·0 + 0.7·0.9
        Assert.All(outputs, f => Assert.True(f.Flags.HasFlag(FrameFlags.Smoothed)));
        Release(outputs);
    }

    [Fact]
    public async Task RunAsync_LargestComponent_KeepsOnlyTheBiggestBlob()
    {
        // A 5×5 square and a 2×2 square; only the big one survives.
        var frame = TestFrames.Inferred(Pool, 0, (x, y) => (x is >= 2 and < 7 && y is >= 2 and < 7) || (x is >= 11 and < 13 && y is >= 11 and < 13) ? 0.9f : 0.1f);

        var outputs = await Run(new PostprocessOptions { LargestComponent = true }, Batch(frame));

        var labels = outputs[0].ReadOnlyLabels;
        Assert.Equal(25, labels.ToArray().Count(l => l == 1));
        Assert.Equal(1, labels[3 * 16 + 3]);
        Assert.Equal(0, labels[11 * 16 + 11]);
        Release(outputs);
    }

    [Fact]
    public async Task RunAsync_FillHoles_FillsEnclosedBackgroundOnly()
    {
        // A ring (7×7 with a 3×3 hole) and a C shape open to the right, whose inside must stay empty.
        static bool Ring(int x, int y) => x is >= 1 and < 8 && y is >= 1 and < 8 && !(x is >= 3 and < 6 && y is >= 3 and < 6);
        static bool Open(int x, int y) => x is >= 9 and < 15 && y is >= 9 and < 15 && !(x >= 11 && y is >= 11 and < 13);
        var frame = TestFrames.Inferred(Pool, 0, (x, y) => Ring(x, y) || Open(x, y) ? 0.9f : 0.1f);

        var outputs = await Run(new PostprocessOptions { FillHoles = true }, Batch(frame));

        var labels = outputs[0].ReadOnlyLabels;
        Assert.Equal(1, labels[4 * 16 + 4]);   // hole of the ring: filled
        Assert.Equal(0, labels[11 * 16 + 13]); // mouth of the C: open to the outside, stays background
        Assert.Equal(0, labels[0]);
        Assert.Equal(49 + 28, labels.ToArray().Count(l => l == 1));
        Release(outputs);
    }

    [Fact]
    public void Options_Invalid_ThrowOutOfRangeNamingTheOption()
    {
        Assert.Equal("SmoothingAlpha", Assert.Throws<ArgumentOutOfRangeException>(() => new PostprocessOptions { SmoothingAlpha = 0 }.Validate()).ParamName);
        Assert.Equal("Threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new PostprocessOptions { Threshold = 1 }.Validate()).ParamName);
    }

    private FrameBatch Batch(params Frame[] frames)
    {
        var batch = _batches.Rent();
        foreach (var f in frames) batch.Add(f);
        return batch;
    }

    private static async Task<List<Frame>> Run(PostprocessOptions options, params FrameBatch[] batches)
    {
        var (input, output) = (Channels.Unbounded<FrameBatch>(), Channels.Unbounded<Frame>());
        foreach (var b in batches) input.Writer.TryWrite(b);
        input.Writer.Complete();
        await new PostprocessStage(options, s_binary).RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        return await Channels.ReadAllAsync(output.Reader);
    }
}
