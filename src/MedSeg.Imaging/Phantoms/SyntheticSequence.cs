using MedSeg.Imaging.Datasets;

namespace MedSeg.Imaging.Phantoms;

/// <summary>
/// A temporally smooth synthetic video: the anatomy is drawn once from the seed, lesions drift
/// slowly along smooth (sinusoidal) paths, lungs breathe, and speckle / noise is re-drawn every frame.
/// </summary>
/// <remarks>
/// <see cref="Frame"/> depends only on (seed, index), so a source may skip or repeat frames. Lesion
/// tasks always show at least one lesion here. Masks are exact, as in <see cref="SyntheticImages"/>.
/// Lesions move well under one pixel per frame, so consecutive masks overlap almost entirely.
/// </remarks>
public sealed class SyntheticSequence
{
    private readonly IPhantom _scene;
    private readonly int _seed;
    private readonly string _name;

    public SyntheticSequence(SyntheticTask task, int size, int seed)
    {
        _name = SyntheticImages.Name(task);
        _scene = SyntheticImages.Draw(task, size, new Random(seed), allowEmpty: false);
        _seed = seed;
        Task = task;
        Size = size;
    }

    public SyntheticTask Task { get; }

    public int Size { get; }

    /// <summary>The ultrasound probe's fan (fixed for the sequence) at the given pre-scan sampling; null for tasks without one.</summary>
    public Core.Frames.SectorGeometry? Sector(int lines, int samples) => (_scene as UltrasoundPhantom)?.Sector(lines, samples);

    /// <summary>Frame <paramref name="index"/> (≥ 0); the caller owns and disposes it.</summary>
    public LabeledImage Frame(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        // A different stream from the scene's Random(seed), one per frame.
        var noise = new Random(SeedMixer.HashCombine(~_seed, index));
        return _scene.At(index).Render($"{_name}@{index}", noise);
    }
}
