using System.Diagnostics;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Tests.Frames;

public sealed class StageTimesTests
{
    [Fact]
    public void IsMonotonic_InOrderWithUnsetStages_True()
    {
        var t = new StageTimes { Captured = 10, Queued = 10, Preprocessed = 12, InferenceStart = 20, InferenceEnd = 30, Postprocessed = 31, Recorded = 40 };
        Assert.True(t.IsMonotonic());
    }

    [Fact]
    public void IsMonotonic_AStageBeforeItsPredecessor_False()
    {
        Assert.False(new StageTimes { Captured = 10, Queued = 9 }.IsMonotonic());
        Assert.False(new StageTimes { Captured = 10, Postprocessed = 30, Presented = 20 }.IsMonotonic());
    }

    [Fact]
    public void Milliseconds_UsesTheStopwatchFrequency()
    {
        Assert.Equal(1000.0, StageTimes.Milliseconds(5, 5 + Stopwatch.Frequency), 9);
        Assert.Equal(250.0, new StageTimes { Captured = 1, Postprocessed = 1 + Stopwatch.Frequency / 4 }.EndToEndMs, 6);
        Assert.True(double.IsNaN(new StageTimes { Captured = 1 }.EndToEndMs));
    }
}
