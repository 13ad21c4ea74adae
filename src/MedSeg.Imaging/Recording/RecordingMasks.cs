namespace MedSeg.Imaging.Recording;

/// <summary>Which masks a recording provides as training labels.</summary>
public enum RecordingMasks
{
    /// <summary>The ground truth stored with the frames (frames without one are left out).</summary>
    Truth,
    /// <summary>The recorded model's predictions (pseudo-labels), resized to the frame size.</summary>
    Predictions,
}
