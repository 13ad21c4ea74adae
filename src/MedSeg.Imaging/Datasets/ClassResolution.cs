namespace MedSeg.Imaging.Datasets;

/// <summary>Class names by id ([0] = background) and what was assumed to arrive at them.</summary>
public sealed record ClassResolution(IReadOnlyList<string> Names, IReadOnlyList<string> Notes)
{
    /// <summary>The masks are visible 0/255 images of one class, not class ids.</summary>
    public bool BinaryMasks { get; init; }
}
