using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Tests.Support;

internal static class TestFrames
{
    /// <summary>A Gray8 frame whose pixels are <paramref name="value"/> (or value + x for a ramp), stamped Captured and Queued.</summary>
    public static Frame Gray(FramePool pool, long seq, int size = 16, byte value = 200, bool ramp = false)
    {
        var frame = pool.Rent(new FrameInfo(seq, TimeSpan.FromMilliseconds(seq * 40), size, size, PixelFormat.Gray8));
        var pixels = frame.Pixels;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = ramp ? (byte)((value + i * 7 + seq * 13) % 256) : value;
        frame.Times.Captured = StageTimes.Now();
        frame.Times.Queued = StageTimes.Now();
        return frame;
    }

    /// <summary>A frame as the inference stage leaves it: input, labels and probabilities of a 16×16 model.</summary>
    public static Frame Inferred(FramePool pool, long seq, Func<int, int, float> probability, int size = 16)
    {
        var frame = Gray(pool, seq, size);
        frame.AllocateInput(size * size).Fill(0);
        frame.AllocateOutputs(size, size);
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            float p = probability(x, y);
            frame.Foreground[y * size + x] = p;
            frame.Labels[y * size + x] = p > 0.5f ? (byte)1 : (byte)0;
        }
        long now = StageTimes.Now();
        frame.Times.Preprocessed = frame.Times.Batched = frame.Times.InferenceStart = frame.Times.InferenceEnd = now;
        return frame;
    }
}
