using MedSeg.Imaging.Preprocess;

namespace MedSeg.Pipeline.Stages;

/// <summary>Options of <see cref="PreprocessStage"/>.</summary>
public sealed record PreprocessStageOptions
{
    /// <summary>The checkpoint's preprocessing, so streaming feeds the model exactly what training did.</summary>
    public required PreprocessOptions Preprocess { get; init; }

    public PreprocessStageOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Preprocess);
        Preprocess.Validate();
        return this;
    }
}
