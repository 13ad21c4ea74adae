using System.Collections.Concurrent;
using MedSeg.Core.Inference;

namespace MedSeg.Pipeline.Tests.Support;

/// <summary>
/// A real, deterministic engine for mechanics tests: label = input &gt; 0.5, foreground = input
/// clamped to 0–1. Hooks let a test hold it (gate), fail it, or see the batch sizes it got.
/// </summary>
internal sealed class ThresholdEngine(int width = 16, int height = 16, int maxBatch = 16) : ISegmentationEngine
{
    private readonly List<int> _batches = [];

    public EngineDescription Description { get; } = new("threshold", "cpu", 1, height, width, ["background", "foreground"], 0);
    public ModelContract Contract { get; } = new()
    {
        Model = "threshold", ClassNames = ["background", "foreground"], Preprocess = new() { Width = width, Height = height },
    };
    public int MaxBatch { get; } = maxBatch;

    /// <summary>Infer waits on this before working, when set.</summary>
    public ManualResetEventSlim? Gate { get; set; }

    /// <summary>The 1-based call that throws, or 0 for never.</summary>
    public int FailOnCall { get; set; }

    public int Calls { get; private set; }

    public IReadOnlyList<int> BatchSizes
    {
        get { lock (_batches) return [.. _batches]; }
    }

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        Gate?.Wait(TimeSpan.FromSeconds(30));
        Calls++;
        if (Calls == FailOnCall) throw new InvalidOperationException("engine exploded on purpose");
        lock (_batches) _batches.Add(batch);
        int plane = Description.Width * Description.Height;
        Assert.Equal(batch * plane, labels.Length);
        for (int i = 0; i < batch * plane; i++)
        {
            labels[i] = input[i] > 0.5f ? (byte)1 : (byte)0;
            if (!foreground.IsEmpty) foreground[i] = Math.Clamp(input[i], 0f, 1f);
        }
    }

    /// <summary>Batch sizes submitted to the engine's slots, in order, as the stage submitted them (before any is computed).</summary>
    public ConcurrentQueue<int> Submitted { get; } = new();

    public IEngineSlots CreateSlots() => new LoggedSlots(new WorkerSlots(this), Submitted);

    public void Dispose() { }

    /// <summary>The default slots, with each Submit logged, so a test sees the stage's side of the double buffering.</summary>
    private sealed class LoggedSlots(IEngineSlots inner, ConcurrentQueue<int> log) : IEngineSlots
    {
        public int Count => inner.Count;
        public Span<float> Input(int slot) => inner.Input(slot);

        public void Submit(int slot, int batch)
        {
            inner.Submit(slot, batch);
            log.Enqueue(batch);
        }

        public SlotTimes Complete(int slot, Span<byte> labels, Span<float> foreground) => inner.Complete(slot, labels, foreground);
        public void Dispose() => inner.Dispose();
    }
}
