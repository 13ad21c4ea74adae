using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>postprocess</c>: per-frame cleanup; the threshold is the engine's (<c>engine.threshold</c>).</summary>
public sealed class PostprocessSection
{
    [YamlMember(Order = 0, Description = "Temporal smoothing: EMA weight of the new frame's probabilities, per stream (default 1 = off)")]
    public double Smoothing { get; set; } = 1;

    [YamlMember(Order = 1, Description = "Keep only the largest connected component (default false)")]
    public bool LargestComponent { get; set; }

    [YamlMember(Order = 2, Description = "Fill holes in the mask (default false)")]
    public bool FillHoles { get; set; }

    internal void Validate()
    {
        if (!(Smoothing > 0 && Smoothing <= 1)) throw new ArgumentOutOfRangeException("postprocess.smoothing", Smoothing, "must be in (0, 1]");
    }
}
