namespace MedSeg.Pipeline.Stages;

/// <summary>Options of <see cref="PostprocessStage"/>; everything off by default (labels as the engine made them).</summary>
public sealed record PostprocessOptions
{
    /// <summary>Weight of the newest frame in the exponential moving average of foreground
    /// probabilities, in (0, 1]; 1 = no temporal smoothing.</summary>
    public double SmoothingAlpha { get; init; } = 1;

    /// <summary>Foreground threshold applied to the smoothed probabilities.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Keep only the largest 8-connected foreground component.</summary>
    public bool LargestComponent { get; init; }

    /// <summary>Fill background regions that do not touch the border (4-connected).</summary>
    public bool FillHoles { get; init; }

    public bool Smoothing => SmoothingAlpha < 1;

    public bool Enabled => Smoothing || LargestComponent || FillHoles;

    public PostprocessOptions Validate()
    {
        if (!(SmoothingAlpha > 0 && SmoothingAlpha <= 1)) throw new ArgumentOutOfRangeException(nameof(SmoothingAlpha), SmoothingAlpha, "must be in (0, 1]");
        if (!(Threshold > 0 && Threshold < 1)) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        return this;
    }
}
