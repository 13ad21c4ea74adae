using MedSeg.Core.Inference;

namespace MedSeg.Model.Training;

/// <summary>
/// Where validation's forward passes run when not on the training module itself. The CLI gives
/// ONNX Runtime: the same weights exported in memory (batch norm folded), which on a 2-core CPU
/// segments a window about three times faster than the TorchSharp module in inference mode,
/// while validation of a small set of large images is up to half of a training budget.
/// </summary>
/// <remarks>
/// The scoring stays <see cref="Evaluator"/>'s, so a validation number means the same whichever
/// runtime gave the probabilities (the export is tested to agree within 1e-4).
/// </remarks>
public interface IValidationEngines
{
    /// <summary>
    /// An engine over <paramref name="model"/>'s current weights that gives class probabilities
    /// for inputs of <paramref name="window"/>² (a patch-trained run's sliding windows) or of the
    /// whole input (<paramref name="window"/> null), up to <paramref name="maxBatch"/> at once;
    /// null when this runtime cannot take the model (it then validates itself).
    /// </summary>
    ISegmentationEngine? Open(UNet model, CheckpointInfo info, int? window, int maxBatch);
}
