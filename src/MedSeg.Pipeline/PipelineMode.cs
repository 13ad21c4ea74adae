namespace MedSeg.Pipeline;

public enum PipelineMode
{
    /// <summary>Always show the newest frame: the source edge drops its oldest frame when full (live sources).</summary>
    Newest,
    /// <summary>Process every frame: every edge waits (replays, scoring, recording).</summary>
    All,
}
