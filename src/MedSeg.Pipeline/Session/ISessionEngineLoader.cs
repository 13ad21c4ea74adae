namespace MedSeg.Pipeline.Session;

/// <summary>Opens the <c>engine</c> section's model. The pipeline knows engines only through their
/// contract; the CLI supplies the loader that knows checkpoints and engine kinds.</summary>
public interface ISessionEngineLoader
{
    /// <param name="maxBatch">The batcher's MaxBatch: the engine prepares its staging buffers for it.</param>
    /// <param name="frameSize">The largest frame size the sources declare before their first frame (null: none
    /// declares one): a model with one fixed input tiles frames larger than it (<c>WindowRule</c>).</param>
    SessionEngine Load(EngineSection engine, int maxBatch, (int Width, int Height)? frameSize);
}
