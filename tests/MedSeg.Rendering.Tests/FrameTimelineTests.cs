using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Hud;

namespace MedSeg.Rendering.Tests;

public sealed class FrameTimelineTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void Entries_AreMillisecondsSinceEachFramesCapture_NaNForStagesNotPassed()
    {
        var timeline = new FrameTimeline(capacity: 4);
        long t0 = 1_000_000 * Ms;
        var times = new StageTimes { Captured = t0, Queued = t0 + 1 * Ms, InferenceStart = t0 + 3 * Ms, InferenceEnd = t0 + 11 * Ms, Postprocessed = t0 + 12 * Ms };
        timeline.Record(7, times, taken: t0 + 13 * Ms, drawStart: t0 + 14 * Ms, swapStart: t0 + 19 * Ms, presented: t0 + 20 * Ms);
        var later = new StageTimes { Captured = t0 + 40 * Ms, Postprocessed = t0 + 50 * Ms };
        timeline.Record(8, later, t0 + 51 * Ms, t0 + 52 * Ms, t0 + 53 * Ms, t0 + 55 * Ms);

        var e = timeline.Entries();

        Assert.Equal(2, e.Length);
        Assert.Equal((7L, 0.0, 1.0, 3.0, 11.0, 12.0, 13.0, 14.0, 19.0, 20.0),
            (e[0].Seq, e[0].Captured, e[0].Queued, e[0].InferenceStart, e[0].InferenceEnd, e[0].Postprocessed, e[0].Taken, e[0].DrawStart, e[0].SwapStart, e[0].Presented));
        Assert.True(double.IsNaN(e[0].Preprocessed) && double.IsNaN(e[0].Batched));
        Assert.Equal((8L, 40.0, 10.0, 15.0), (e[1].Seq, e[1].Captured, e[1].Postprocessed, e[1].Presented));
        Assert.True(e[1].Gen0 >= e[0].Gen0 && e[1].GcPauseMs >= e[0].GcPauseMs);   // cumulative counters
    }

    [Fact]
    public void Record_PastCapacity_KeepsTheFirstAndCountsTheRest()
    {
        var timeline = new FrameTimeline(capacity: 2);
        for (int k = 0; k < 5; k++) timeline.Record(k, new StageTimes { Captured = (k + 1) * Ms }, 0, 0, 0, (k + 2) * Ms);

        Assert.Equal(2, timeline.Count);
        Assert.Equal(3, timeline.Overflow);
        Assert.Equal([0L, 1], timeline.Entries().Select(x => x.Seq));
    }

    [Fact]
    public void Record_AllocatesNothingPerFrame()
    {
        var timeline = new FrameTimeline(capacity: 1000);
        var times = new StageTimes { Captured = Ms };
        timeline.Record(0, times, 1, 2, 3, 4);   // JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k < 1000; k++) timeline.Record(k, times, 1, 2, 3, 4);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
