// NOTE: this file lives in MedSeg.Core so that the engine contract (ModelContract) can carry the
// model's preprocessing without Core referencing Imaging; the namespace stays where every
// consumer (and every checkpoint's JSON) already looks for it.
namespace MedSeg.Imaging.Preprocess;

public enum ColorMode { Gray, Rgb, Hsv }

public enum Normalization
{
    /// <summary>8-bit: divide by 255. 16-bit / float: per-image min–max to 0–1.</summary>
    UnitRange,
    /// <summary>Per-image zero mean, unit variance.</summary>
    ZScore,
    /// <summary>Fixed intensity window [WindowLow, WindowHigh] → 0–1, clipped (CT in HU).</summary>
    Window,
    /// <summary>nnU-Net style: clip to the dataset's [DatasetLow, DatasetHigh] (0.5 / 99.5 percentiles), then z-score with DatasetMean / DatasetStd.</summary>
    DatasetStats,
    /// <summary>nnU-Net's z-score with <c>use_mask_for_norm</c> (skull-stripped MRI): mean and SD over the non-zero pixels only; zero pixels stay 0.</summary>
    ZScoreNonZero,
}

/// <summary>
/// How a raw image becomes network input. Stored in every checkpoint, so training, evaluation
/// and streaming run the same code with the same numbers.
/// </summary>
public sealed record PreprocessOptions
{
    public int Width { get; init; } = 128;
    public int Height { get; init; } = 128;
    public ColorMode Color { get; init; } = ColorMode.Gray;
    public Normalization Normalization { get; init; } = Normalization.UnitRange;
    public double WindowLow { get; init; }
    public double WindowHigh { get; init; } = 1;
    public double DatasetLow { get; init; }
    public double DatasetHigh { get; init; } = 1;
    public double DatasetMean { get; init; }
    public double DatasetStd { get; init; } = 1;
    /// <summary>Median blur aperture (odd, ≥ 3), or 0 for none.</summary>
    public int MedianBlur { get; init; }

    public int Channels => Color == ColorMode.Gray ? 1 : 3;

    public PreprocessOptions Validate()
    {
        if (Width < 8) throw new ArgumentOutOfRangeException(nameof(Width), Width, "must be at least 8");
        if (Height < 8) throw new ArgumentOutOfRangeException(nameof(Height), Height, "must be at least 8");
        if (MedianBlur != 0 && (MedianBlur < 3 || MedianBlur % 2 == 0))
            throw new ArgumentOutOfRangeException(nameof(MedianBlur), MedianBlur, "must be 0 or an odd number ≥ 3");
        if (Normalization == Normalization.Window && !(WindowHigh > WindowLow))
            throw new ArgumentOutOfRangeException(nameof(WindowHigh), WindowHigh, "window high must exceed window low");
        if (Normalization == Normalization.DatasetStats && !(DatasetStd > 0))
            throw new ArgumentOutOfRangeException(nameof(DatasetStd), DatasetStd, "must be positive");
        return this;
    }
}
