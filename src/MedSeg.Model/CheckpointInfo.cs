using MedSeg.Imaging.Preprocess;

namespace MedSeg.Model;

/// <summary>
/// What a checkpoint carries besides weights: enough to rebuild the model and to feed it exactly
/// the input it was trained on (Pytorch-UNet stores mask_values for the same reason).
/// </summary>
public sealed record CheckpointInfo
{
    public required UNetOptions Model { get; init; }
    public required PreprocessOptions Preprocess { get; init; }
    /// <summary>The data set the weights were trained on (its --data spec).</summary>
    public string Dataset { get; init; } = "";
    public int Epoch { get; init; }
    /// <summary>Validation metric that selected this checkpoint, and its value.</summary>
    public string Metric { get; init; } = "";
    public double MetricValue { get; init; }
    /// <summary>Square patch the model was trained on, when smaller than the input: evaluation then uses sliding windows of it.</summary>
    public int? Patch { get; init; }
    /// <summary>Probability threshold for binary heads.</summary>
    public double Threshold { get; init; } = 0.5;
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
    public string Tool { get; init; } = "medseg";

}
