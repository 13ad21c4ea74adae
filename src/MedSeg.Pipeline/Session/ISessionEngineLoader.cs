namespace MedSeg.Pipeline.Session;

/// <summary>Opens the <c>engine</c> section's model. The pipeline knows engines only through their
/// contract; the CLI supplies the loader that knows checkpoints and engine kinds.</summary>
public interface ISessionEngineLoader
{
    /// <param name="maxBatch">The batcher's MaxBatch: the engine prepares its staging buffers for it.</param>
    SessionEngine Load(EngineSection engine, int maxBatch);
}
