using MedSeg.Imaging.Datasets;

namespace MedSeg.Model.Training;

/// <summary>Samples that failed validation before training; each names its file and reason.</summary>
public sealed class BadDataException(IReadOnlyList<BadSample> bad, int total)
    : Exception($"{bad.Count} of {total} samples are unusable (first: {bad[0].Source}: {bad[0].Reason}); " +
                "fix them or pass --skip-bad to train without them")
{
    public IReadOnlyList<BadSample> Bad { get; } = bad;
}
