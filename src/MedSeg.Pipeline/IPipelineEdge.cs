namespace MedSeg.Pipeline;

/// <summary>The untyped view of an edge that reports and shutdown need.</summary>
internal interface IPipelineEdge
{
    string Name { get; }
    long Dropped { get; }
    EdgeReport Report();
    int DrainAndRelease();
}
