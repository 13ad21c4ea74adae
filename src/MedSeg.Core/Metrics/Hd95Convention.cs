namespace MedSeg.Core.Metrics;

/// <summary>How the two directed surface-distance sets of HD95 are combined (the libraries disagree).</summary>
public enum Hd95Convention
{
    /// <summary>medpy's <c>hd95</c>: both directed sets pooled, then the 95th percentile (this project's default).</summary>
    Pooled,

    /// <summary>MONAI's <c>compute_hausdorff_distance(percentile=95)</c>: the 95th percentile of each directed set, the larger of the two.</summary>
    DirectedMaximum,
}
