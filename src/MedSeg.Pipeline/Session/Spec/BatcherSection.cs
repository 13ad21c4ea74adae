using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>batcher</c>: the micro-batcher in front of the shared model (also the engine's staging size).</summary>
public sealed class BatcherSection
{
    [YamlMember(Order = 0, Description = "A batch closes at this many frames (default 4)...")]
    public int MaxBatch { get; set; } = 4;

    [YamlMember(Order = 1, Description = "...or this long after its first frame; empty (default): 0 when every stream is live (a live frame never waits for company), 2 otherwise")]
    public double? MaxWaitMs { get; set; }

    internal void Validate()
    {
        if (MaxBatch is < 1 or > 1024) throw new ArgumentOutOfRangeException("batcher.maxBatch", MaxBatch, "must be 1–1024");
        if (MaxWaitMs is { } w && !(w >= 0 && w <= 600_000)) throw new ArgumentOutOfRangeException("batcher.maxWaitMs", w, "must be 0–600000");
    }
}
