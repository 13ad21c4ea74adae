namespace MedSeg.Pipeline.Session;

/// <summary>A session on an engine its caller already made (a benchmark comparing engines, a test that queries the engine afterwards).</summary>
/// <remarks>Whether the session disposes it is <see cref="SessionEngine.OwnedBySession"/>.</remarks>
public sealed class FixedEngineLoader(SessionEngine engine) : ISessionEngineLoader
{
    public SessionEngine Load(EngineSection spec, int maxBatch, (int Width, int Height)? frameSize) =>
        maxBatch <= engine.Engine.MaxBatch
            ? engine
            : throw new ArgumentOutOfRangeException("batcher.maxBatch", maxBatch, $"exceeds the prepared engine's MaxBatch {engine.Engine.MaxBatch}");
}
