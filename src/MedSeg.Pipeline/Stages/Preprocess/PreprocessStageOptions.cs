using MedSeg.Imaging.Preprocess;

namespace MedSeg.Pipeline.Stages;

/// <summary>Options of <see cref="PreprocessStage"/>.</summary>
public sealed record PreprocessStageOptions
{
    /// <summary>The checkpoint's preprocessing, so streaming feeds the model exactly what training did.</summary>
    public required PreprocessOptions Preprocess { get; init; }

    /// <summary>The stream this stage serves; a frame of another stream is a wiring bug and stops the pipeline. Null: any.</summary>
    public int? Stream { get; init; }

    public PreprocessStageOptions Validate()
    {
        if (Stream < 0) throw new ArgumentOutOfRangeException(nameof(Stream), Stream, "must be ≥ 0");
        ArgumentNullException.ThrowIfNull(Preprocess);
        Preprocess.Validate();
        return this;
    }
}
