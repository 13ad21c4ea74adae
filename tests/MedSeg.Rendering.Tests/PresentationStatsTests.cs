using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Hud;

namespace MedSeg.Rendering.Tests;

public sealed class PresentationStatsTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    private static PresentationStats Presented(int frames, int periodMs, long start = 1_000_000)
    {
        var stats = new PresentationStats(TimeSpan.FromSeconds(2));
        for (int k = 0; k < frames; k++)
        {
            long presented = start + k * periodMs * Ms;
            var times = new StageTimes { Captured = presented - 30 * Ms };
            stats.OnPresented(k, times, presented);
        }
        return stats;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(38)]
    public void Sample_SteadyStream_ReadsItsRateWhereverTheSampleFalls(int sampleOffsetMs)
    {
        var stats = Presented(100, periodMs: 40);
        long last = 1_000_000 + 99 * 40 * Ms;

        stats.Sample(last + sampleOffsetMs * Ms);

        Assert.Equal(25.0, stats.Fps, 6);
    }

    [Fact]
    public void Sample_AfterASecondWithoutFrames_ReadsZero()
    {
        var stats = Presented(50, periodMs: 40);
        stats.Sample(1_000_000 + 49 * 40 * Ms + 1100 * Ms);
        Assert.Equal(0.0, stats.Fps);
    }

    [Fact]
    public void Sample_RateChanges_FollowsTheLastSecond()
    {
        var stats = Presented(100, periodMs: 40);                  // 25 fps for 4 s
        long t = 1_000_000 + 99 * 40 * Ms;
        for (int k = 1; k <= 60; k++) stats.OnPresented(99 + k, new StageTimes { Captured = t }, t + k * 20 * Ms);   // then 50 fps

        stats.Sample(t + 60 * 20 * Ms);

        Assert.Equal(50.0, stats.Fps, 6);
        Assert.Equal(160, stats.FramesPresented);
        Assert.Equal(0, stats.DroppedFrames);
    }

    [Fact]
    public void Summarize_CoversTheWholeRun_NotOnlyTheHudWindow()
    {
        var stats = Presented(200, periodMs: 40);      // 8 s of frames, each shown 30 ms after capture
        var summary = stats.Summarize();
        Assert.Equal((200L, 0L, 200L), (summary.FramesPresented, summary.FramesNotShown, summary.CaptureToScreen.Count));
        Assert.Equal(30.0, summary.CaptureToScreen.Median, 6);
        Assert.Equal(30.0, summary.CaptureToScreen.Max, 6);
    }

    [Fact]
    public void OnPresented_SequenceGaps_CountAsDropped()
    {
        var stats = new PresentationStats(TimeSpan.FromSeconds(2));
        foreach (long seq in new long[] { 3, 4, 7, 8, 12 }) stats.OnPresented(seq, default, 1_000 + seq);
        Assert.Equal((5L, 5L, 12L), (stats.FramesPresented, stats.DroppedFrames, stats.LastSeq));
    }
}
