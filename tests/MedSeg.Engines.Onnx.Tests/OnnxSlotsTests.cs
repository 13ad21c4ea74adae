using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>The ONNX engine's two slots: the same answer as Infer from either slot, and nothing allocated per batch.</summary>
public sealed class OnnxSlotsTests
{
    [Theory]
    [InlineData(TensorLayout.Nchw, OutputHead.Labels, 1)]   // the engine's own slots (bound native inputs)
    [InlineData(TensorLayout.Nhwc, OutputHead.Probs, 3)]    // NHWC with 3 channels: the general path (Infer on a worker)
    public void Slots_GiveInfersAnswer_FromEitherSlot_AtEveryBatchSize(TensorLayout layout, OutputHead head, int channels)
    {
        var (model, info) = TestNets.Create(3, Upsampling.Transposed, 32, 24, channels: channels, seed: 6);
        using var _ = model;
        using var engine = OnnxEngine.FromBytes(TestNets.Export(model, info, new OnnxExportOptions { Layout = layout, Head = head, DynamicBatch = true }),
                                                new OnnxEngineOptions { MaxBatch = 3, Warmup = 0, Threads = 1 }, "slots.onnx");
        int frame = channels * 24 * 32, plane = 24 * 32;
        using var slots = ((ISegmentationEngine)engine).CreateSlots();
        Assert.Equal(2, slots.Count);
        for (int batch = 1; batch <= 3; batch++)
        {
            // Each slot gets different frames; both are queued before either is completed.
            var inputs = new[] { TestNets.Input(batch, channels, 24, 32, seed: batch), TestNets.Input(batch, channels, 24, 32, seed: 10 + batch) };
            for (int s = 0; s < 2; s++)
            {
                inputs[s].CopyTo(slots.Input(s));
                slots.Submit(s, batch);
            }
            for (int s = 0; s < 2; s++)
            {
                var (labels, fg) = (new byte[batch * plane], new float[batch * plane]);
                slots.Complete(s, labels, fg);
                var (wantLabels, wantFg) = (new byte[batch * plane], new float[batch * plane]);
                engine.Infer(inputs[s].AsSpan(0, batch * frame), batch, wantLabels, wantFg);
                Assert.Equal(wantLabels, labels);
                Assert.Equal(wantFg, fg);
            }
        }
    }

    [Fact]
    public void Slots_SteadyState_AllocateNothingManaged()
    {
        var (model, info) = TestNets.Create(2, Upsampling.Bilinear, 32, 32, seed: 4);
        using var _ = model;
        using var engine = OnnxEngine.FromBytes(TestNets.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels, DynamicBatch = true }),
                                                new OnnxEngineOptions { MaxBatch = 2, Warmup = 0, Threads = 1 }, "a.onnx");
        using var slots = ((ISegmentationEngine)engine).CreateSlots();
        var labels = new byte[2 * 32 * 32];
        var fg = new float[2 * 32 * 32];
        for (int i = 0; i < 4; i++) Cycle(i); // first use of each binding of each slot
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int calls = 40;
        for (int i = 0; i < calls; i++) Cycle(i);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Assert.True(perCall < 64, $"{perCall} managed bytes per Submit + Complete");

        void Cycle(int i)
        {
            int slot = i % 2, batch = 1 + i / 2 % 2;
            slots.Input(slot)[..(batch * 1024)].Fill(0.5f);
            slots.Submit(slot, batch);
            slots.Complete(slot, labels.AsSpan(0, batch * 1024), fg.AsSpan(0, batch * 1024));
        }
    }
}
