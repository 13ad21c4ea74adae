using System.Runtime;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// The garbage collector's settings for a timed session with a view: everything set-up left
/// behind is collected (compacting, blocking) before the first frame, and while the scope lives
/// the GC runs in <see cref="GCLatencyMode.SustainedLowLatency"/> (no blocking full collections;
/// gen 2 only in the background). Dispose restores the previous mode.
/// </summary>
/// <remarks>
/// Why: set-up (model load, pools, buffers of the large-object heap) left the first gen 2
/// collection to fall inside the first live frames, where it stopped every thread for 15–22 ms
/// (FrameTimeline's GC columns, window and headless alike); the steady state allocates too little
/// to collect at all. Not for batch commands, where throughput matters more than the pause.
/// </remarks>
public sealed class QuietGcScope : IDisposable
{
    private readonly GCLatencyMode _previous;

    public QuietGcScope()
    {
        _previous = GCSettings.LatencyMode;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
    }

    /// <summary>The mode in force while the scope lives (SustainedLowLatency; Batch where the runtime has no concurrent GC).</summary>
    public GCLatencyMode Mode => GCSettings.LatencyMode;

    public void Dispose() => GCSettings.LatencyMode = _previous;
}
