namespace MedSeg.Pipeline.Sinks;

/// <summary>The edge between the fan-out and a sink.</summary>
public enum SinkPolicy
{
    /// <summary>Only recent frames matter (display): the edge drops its oldest frame when full, counted.</summary>
    Latest,
    /// <summary>Every frame (recorder, statistics): the edge waits; a sink that falls behind holds the
    /// pipeline back and the pipeline reports it loudly (log warning + report).</summary>
    NeverDrop,
}
