using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// Draws synthetic images with exact label maps: the mask is the very geometry that was painted.
/// Shared by <see cref="SyntheticDataset"/> (independent samples) and <see cref="SyntheticSequence"/> (a moving scene).
/// </summary>
/// <remarks>
/// Images are CV_8UC1, masks CV_8UC1 with ids 0 / 1. Everything random comes from the
/// <see cref="Random"/> passed in, so the same seed gives the same pixels on every machine.
/// </remarks>
public static class SyntheticImages
{
    /// <summary>Smallest side that still leaves lesions several pixels wide.</summary>
    public const int MinSize = 32;

    private static readonly string[] s_lungClasses = ["background", "lung"];
    private static readonly string[] s_lesionClasses = ["background", "lesion"];

    /// <summary>One random sample; about one Lesion / Mri sample in ten has an empty mask.</summary>
    public static LabeledImage Generate(SyntheticTask task, int size, Random rng) =>
        Generate(task, size, rng, Name(task));

    /// <inheritdoc cref="Generate(SyntheticTask, int, Random)"/>
    public static LabeledImage Generate(SyntheticTask task, int size, Random rng, string id)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Draw(task, size, rng, allowEmpty: true).Render(id, rng);
    }

    /// <summary>Class names indexed by mask id.</summary>
    public static IReadOnlyList<string> ClassNames(SyntheticTask task) =>
        task == SyntheticTask.Lungs ? s_lungClasses : s_lesionClasses;

    /// <summary>"synthetic:lungs", "synthetic:lesion" or "synthetic:mri" — the spelling a source spec uses.</summary>
    public static string Name(SyntheticTask task) => task switch
    {
        SyntheticTask.Lungs => "synthetic:lungs",
        SyntheticTask.Lesion => "synthetic:lesion",
        SyntheticTask.Mri => "synthetic:mri",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown synthetic task"),
    };

    internal static IPhantom Draw(SyntheticTask task, int size, Random rng, bool allowEmpty)
    {
        if (size < MinSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"must be at least {MinSize}");
        return task switch
        {
            SyntheticTask.Lungs => ChestPhantom.Draw(size, rng),
            SyntheticTask.Lesion => UltrasoundPhantom.Draw(size, rng, allowEmpty),
            SyntheticTask.Mri => BrainPhantom.Draw(size, rng, allowEmpty),
            _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown synthetic task"),
        };
    }
}
