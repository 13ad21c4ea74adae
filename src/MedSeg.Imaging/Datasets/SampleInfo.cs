namespace MedSeg.Imaging.Datasets;

/// <summary>What a dataset knows about a sample without loading it.</summary>
/// <param name="Id">Stable, unique id within the dataset (file stem, case id).</param>
/// <param name="Group">Split group (patient id), or null when the layout has none.</param>
/// <param name="Source">Where it comes from (image path, or the synthetic spec) — used in error messages.</param>
public readonly record struct SampleInfo(string Id, string? Group, string Source);
