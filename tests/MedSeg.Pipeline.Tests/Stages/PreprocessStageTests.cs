using System.Runtime.InteropServices;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;
using OpenCvSharp;

namespace MedSeg.Pipeline.Tests.Stages;

public sealed class PreprocessStageTests : StageTestBase<Frame, Frame>
{
    private static readonly PreprocessOptions s_options = new() { Width = 16, Height = 16 };

    protected override IPipelineStage<Frame, Frame> CreateStage() => new PreprocessStage(new PreprocessStageOptions { Preprocess = s_options });

    protected override Frame CreateInput(int index) => TestFrames.Gray(Pool, index);

    [Fact]
    public async Task RunAsync_GoodFrame_InputEqualsTrainingPreprocessor()
    {
        using var frame = TestFrames.Gray(Pool, 0, size: 40, ramp: true);
        using var image = Mat.FromPixelData(40, 40, MatType.CV_8UC1, frame.Pixels.ToArray());
        var expected = new float[16 * 16];
        using (var preprocessor = new Preprocessor(s_options)) preprocessor.Image(image, expected);

        var outputs = await RunFrames(frame.AddRef());

        var only = Assert.Single(outputs);
        Assert.Equal(expected, only.Input.ToArray());
        Assert.NotEqual(0, only.Times.Preprocessed);
        Assert.True(only.Times.Preprocessed >= only.Times.Queued);
        Release(outputs);
    }

    [Fact]
    public async Task RunAsync_BadFrames_DroppedCountedAndStreamGoesOn()
    {
        var bad = new BadFrameLog();
        var nan = Pool.Rent(new FrameInfo(2, default, 16, 16, PixelFormat.Float32));
        MemoryMarshal.Cast<byte, float>(nan.Pixels).Fill(0.25f);
        MemoryMarshal.Cast<byte, float>(nan.Pixels)[17] = float.NaN;
        var bgr = Pool.Rent(new FrameInfo(4, default, 16, 16, PixelFormat.Bgr24));
        bgr.Pixels.Fill(10);
        Frame[] frames =
        [
            TestFrames.Gray(Pool, 0),
            TestFrames.Gray(Pool, 1, size: 24),   // wrong size for a 16×16 stream
            nan,
            TestFrames.Gray(Pool, 3),
            bgr,                                   // colour is fine: the preprocessor converts it
            TestFrames.Gray(Pool, 6),              // seq 5 never arrived
        ];

        var outputs = await RunFrames(frames, new PreprocessStage(new PreprocessStageOptions { Preprocess = s_options }, bad));

        Assert.Equal([0L, 3, 4, 6], outputs.Select(f => f.Info.Seq));
        Assert.Equal(2, bad.Total);
        Assert.Equal(1, bad.Count(FrameDropReason.WrongSize));
        Assert.Equal(1, bad.Count(FrameDropReason.NonFinite));
        Assert.Equal([1L, 2], bad.Examples().Select(b => b.Seq));
        Assert.Contains("24×24", bad.Examples()[0].Detail);
        Assert.Equal(FrameFlags.DroppedUpstream, outputs[3].Flags & FrameFlags.DroppedUpstream);
        Assert.Equal(FrameFlags.None, outputs[0].Flags & FrameFlags.DroppedUpstream);
        Release(outputs);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_FormatThePreprocessingRefuses_DroppedAsUnsupported()
    {
        var bad = new BadFrameLog();
        var hsv = new PreprocessStageOptions { Preprocess = s_options with { Color = ColorMode.Hsv } };
        var deep = Pool.Rent(new FrameInfo(0, default, 16, 16, PixelFormat.Gray16));
        deep.Pixels.Fill(3);

        var outputs = await RunFrames([deep, TestFrames.Gray(Pool, 1)], new PreprocessStage(hsv, bad));

        Assert.Equal(1L, Assert.Single(outputs).Info.Seq);
        Assert.Equal(1, bad.Count(FrameDropReason.UnsupportedFormat));
        Release(outputs);
        AssertNoLeaks();
    }

    private Task<List<Frame>> RunFrames(params Frame[] frames) => RunFrames(frames, (PreprocessStage)CreateStage());

    private static async Task<List<Frame>> RunFrames(Frame[] frames, PreprocessStage stage)
    {
        using (stage)
        {
            var (input, output) = (Channels.Unbounded<Frame>(), Channels.Unbounded<Frame>());
            foreach (var f in frames) input.Writer.TryWrite(f);
            input.Writer.Complete();
            await stage.RunAsync(input.Reader, output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
            return await Channels.ReadAllAsync(output.Reader);
        }
    }
}
