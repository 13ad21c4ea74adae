using System.Diagnostics.CodeAnalysis;
using MedSeg.Core.Frames;

namespace MedSeg.Rendering.Tests;

/// <summary>Frames made up front from a real <see cref="FramePool"/>, handed out one per take; completed when empty.</summary>
public sealed class QueueFrameProvider : IFrameProvider, IDisposable
{
    private readonly Queue<Frame> _frames = new();

    public QueueFrameProvider(int width, int height, params long[] seqs)
    {
        foreach (long seq in seqs)
        {
            var frame = Pool.Rent(new FrameInfo(seq, TimeSpan.Zero, width, height, PixelFormat.Gray8));
            frame.Times.Captured = StageTimes.Now();
            for (int i = 0; i < frame.Pixels.Length; i++) frame.Pixels[i] = (byte)(i * 7 + seq);
            frame.AllocateOutputs(width, height);
            frame.Labels.Clear();
            frame.Labels.Slice(height / 2 * width + width / 4, width / 2).Fill(1);   // a short bar of class 1 in the middle
            frame.Foreground.Fill(0.5f);
            _frames.Enqueue(frame);
        }
    }

    public FramePool Pool { get; } = new();

    public bool IsCompleted => _frames.Count == 0;

    public bool TryTakeNewest([NotNullWhen(true)] out Frame? frame) => _frames.TryDequeue(out frame);

    public void Dispose()
    {
        while (_frames.TryDequeue(out var f)) f.Dispose();
        Pool.Dispose();
    }
}
