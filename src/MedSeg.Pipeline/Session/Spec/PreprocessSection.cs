using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>preprocess</c>: the checkpoint's preprocessing runs per stream; these are the edges around it.</summary>
public sealed class PreprocessSection
{
    [YamlMember(Order = 0, Description = "Frames each stream's source edge holds (default 2): small keeps live latency low")]
    public int SourceCapacity { get; set; } = 2;

    [YamlMember(Order = 1, Description = "Items (frames or batches) each inner edge holds (default 2)")]
    public int StageCapacity { get; set; } = 2;

    internal void Validate()
    {
        if (SourceCapacity is < 1 or > 10_000) throw new ArgumentOutOfRangeException("preprocess.sourceCapacity", SourceCapacity, "must be 1–10000");
        if (StageCapacity is < 1 or > 10_000) throw new ArgumentOutOfRangeException("preprocess.stageCapacity", StageCapacity, "must be 1–10000");
    }
}
