using System.Diagnostics;
using MedSeg.Core.Timing;

namespace MedSeg.Core.Tests.Timing;

public sealed class LatencySeriesTests
{
    [Fact]
    public void Summarize_AfterWarmup_StatisticsOfTheRestOnly()
    {
        var series = new LatencySeries("inference", capacity: 100, warmup: 3);
        foreach (double v in new double[] { 500, 400, 300 }) series.Add(v); // warm-up: ignored
        for (int v = 10; v >= 1; v--) series.Add(v);                         // order must not matter

        var s = series.Summarize();

        Assert.Equal((10L, 3L), (s.Count, series.Skipped));
        Assert.Equal(5.5, s.Median, 12);
        Assert.Equal(1.9, s.P10, 12);
        Assert.Equal(9.1, s.P90, 12);
        Assert.Equal(9.55, s.P95, 12);
        Assert.Equal(9.91, s.P99, 12);
        Assert.Equal(10, s.Max);
        Assert.Equal(5.5, s.Mean, 12);
        Assert.Equal(10 - 9.55, s.Tail, 12);
        Assert.Equal(9.1 - 1.9, s.Flatness, 12);
    }

    [Fact]
    public void Summarize_NoSamples_EmptyWithNaN()
    {
        var s = new LatencySeries("x", warmup: 2).Summarize();
        Assert.Equal(0, s.Count);
        Assert.True(double.IsNaN(s.Median));
    }

    [Fact]
    public void Add_BeyondCapacity_PercentilesOfTheLatestButMaxOfAll()
    {
        var series = new LatencySeries("x", capacity: 4);
        foreach (double v in new double[] { 100, 1, 1, 1, 2, 2, 2, 2 }) series.Add(v);

        var s = series.Summarize();

        Assert.Equal(2, s.Median);
        Assert.Equal(100, s.Max);
        Assert.Equal(111 / 8.0, s.Mean, 12);
    }

    [Fact]
    public void AddAndSummarize_SteadyState_AllocateNothing()
    {
        var series = new LatencySeries("x", capacity: 1024);
        for (int i = 0; i < 2000; i++) series.Add(i % 37);
        series.Summarize();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++) series.Add(i % 41);
        var s = series.Summarize();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(20, s.Median);
    }

    [Fact]
    public void Recorder_SeriesByName_SameInstanceInFirstUseOrder()
    {
        var recorder = new LatencyRecorder(capacity: 8);
        var a = recorder.Series("a");
        recorder.Series("b").Add(3);
        Assert.Same(a, recorder.Series("a"));
        Assert.Equal(["a", "b"], recorder.Summarize().Select(s => s.Name));
    }

    [Fact]
    public void RollingWindow_OnlySamplesOfTheLastWindowCount()
    {
        var window = new RollingLatencyWindow(TimeSpan.FromSeconds(1), capacity: 16);
        long second = Stopwatch.Frequency, t0 = 1000 * second;
        window.Add(t0, 100);                 // more than a window old at the end
        for (int i = 1; i <= 5; i++) window.Add(t0 + second + i * second / 10, i);

        var s = window.Summarize("e2e", t0 + 2 * second);

        Assert.Equal(5, s.Count);
        Assert.Equal(3, s.Median);
        Assert.Equal(5, s.Max);
        Assert.Equal(0, window.Summarize("e2e", t0 + 10 * second).Count);
    }
}
