using System.Runtime;
using MedSeg.Cli.Sessions;

namespace MedSeg.Cli.Tests.Sessions;

/// <summary>The GC mode of a viewed session: low-latency while it runs, the previous mode after. The
/// mode is process-wide, so these run alone.</summary>
[Collection("console")]
public sealed class QuietGcScopeTests
{
    [Fact]
    public void Scope_WhileAlive_SustainedLowLatency_ThenThePreviousMode()
    {
        var before = GCSettings.LatencyMode;
        Assert.NotEqual(GCLatencyMode.SustainedLowLatency, before);   // a mode to come back to

        using (var scope = new QuietGcScope())
        {
            // The test host runs the concurrent (background) collector, which has the mode.
            Assert.Equal(GCLatencyMode.SustainedLowLatency, scope.Mode);
            Assert.Equal(GCLatencyMode.SustainedLowLatency, GCSettings.LatencyMode);
        }

        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void Scope_Start_CollectsWhatSetUpLeftBehind()
    {
        int gen2 = GC.CollectionCount(2);

        using var scope = new QuietGcScope();

        Assert.True(GC.CollectionCount(2) >= gen2 + 1, "no full collection before the first frame");
    }
}
