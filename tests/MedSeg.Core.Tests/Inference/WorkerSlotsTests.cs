using MedSeg.Core.Inference;

namespace MedSeg.Core.Tests.Inference;

/// <summary>The two-slot path over any engine: order, overlap with the caller, errors kept with their slot, nothing allocated per batch.</summary>
public sealed class WorkerSlotsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>label = input &gt; 0.5, foreground = input; Infer waits on <see cref="Gate"/> and records what it saw.</summary>
    private sealed class GatedEngine : ISegmentationEngine
    {
        public EngineDescription Description { get; } = new("gated", "cpu", 1, 4, 4, ["background", "foreground"], 0);
        public ModelContract Contract { get; } = new() { Model = "gated", ClassNames = ["background", "foreground"], Preprocess = new() { Width = 4, Height = 4 } };
        public int MaxBatch => 2;
        public ManualResetEventSlim Gate { get; } = new(true);
        public List<float> FirstInputs { get; } = [];
        public int? FailOn { get; set; }
        public long WorkerBytes { get; private set; } = -1;
        private long _lastBytes = -1;

        public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
        {
            Gate.Wait(Patience);
            // The worker thread's own allocations since the previous call (the slot machinery between two calls).
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (_lastBytes >= 0) WorkerBytes = Math.Max(WorkerBytes, now - _lastBytes);
            FirstInputs.Add(input[0]);
            if (FailOn == FirstInputs.Count) throw new InvalidOperationException("engine exploded on purpose");
            for (int i = 0; i < batch * 16; i++)
            {
                labels[i] = input[i] > 0.5f ? (byte)1 : (byte)0;
                if (!foreground.IsEmpty) foreground[i] = input[i];
            }
            _lastBytes = GC.GetAllocatedBytesForCurrentThread();
        }

        public void Dispose() => Gate.Dispose();
    }

    [Fact]
    public void Submit_WhileTheOtherSlotComputes_FillsAndQueuesIt_ThenBothCompleteInOrder()
    {
        using var engine = new GatedEngine();
        using var slots = new WorkerSlots(engine);
        engine.Gate.Reset();
        slots.Input(0).Fill(0.9f);
        slots.Submit(0, 1);
        // Batch 0 cannot finish (the gate is shut), yet slot 1 is filled and queued behind it.
        slots.Input(1)[..32].Fill(0.2f);
        slots.Submit(1, 2);
        Assert.Empty(engine.FirstInputs);
        engine.Gate.Set();
        var labels = new byte[32];
        var fg = new float[32];
        var first = slots.Complete(0, labels.AsSpan(0, 16), fg.AsSpan(0, 16));
        Assert.All(labels[..16], static l => Assert.Equal(1, l));
        var second = slots.Complete(1, labels, fg);
        Assert.All(labels, static l => Assert.Equal(0, l));
        Assert.All(fg, static f => Assert.Equal(0.2f, f));
        Assert.Equal([0.9f, 0.2f], engine.FirstInputs);
        Assert.True(first.Start <= first.End && first.End <= second.Start && second.Start <= second.End);
    }

    [Fact]
    public void Complete_RethrowsTheSlotsError_AndTheOtherSlotStillRuns()
    {
        using var engine = new GatedEngine { FailOn = 1 };
        using var slots = new WorkerSlots(engine);
        slots.Submit(0, 1);
        slots.Input(1).Fill(0.7f);
        slots.Submit(1, 1);
        var e = Assert.Throws<InvalidOperationException>(() => slots.Complete(0, new byte[16], []));
        Assert.Contains("exploded", e.Message);
        var labels = new byte[16];
        slots.Complete(1, labels, []);
        Assert.All(labels, static l => Assert.Equal(1, l));
    }

    [Fact]
    public void Submit_SlotStillInFlight_Throws_AndCompleteOfAnIdleSlotThrows()
    {
        using var engine = new GatedEngine();
        using var slots = new WorkerSlots(engine);
        engine.Gate.Reset();
        slots.Submit(0, 1);
        Assert.Throws<InvalidOperationException>(() => slots.Submit(0, 1));
        Assert.Throws<InvalidOperationException>(() => slots.Complete(1, new byte[16], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Submit(1, 3));
        engine.Gate.Set();
        slots.Complete(0, new byte[16], []);
    }

    [Fact]
    public void SteadyState_AllocatesNothing_OnEitherThread()
    {
        using var engine = new GatedEngine();
        using var slots = new WorkerSlots(engine);
        var labels = new byte[32];
        var fg = new float[32];
        for (int i = 0; i < 4; i++) Cycle(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int calls = 200;
        for (int i = 0; i < calls; i++) Cycle(i);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Assert.True(perCall < 64, $"{perCall} managed bytes per Submit + Complete on the caller");
        Assert.InRange(engine.WorkerBytes, 0, 63);

        void Cycle(int i)
        {
            slots.Submit(i % 2, 1 + i % 2);
            slots.Complete(i % 2, labels.AsSpan(0, 16 * (1 + i % 2)), fg.AsSpan(0, 16 * (1 + i % 2)));
        }
    }
}
