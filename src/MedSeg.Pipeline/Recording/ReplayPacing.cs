namespace MedSeg.Pipeline.Recording;

/// <summary>How fast <see cref="RecordingSource"/> plays a session back.</summary>
public enum ReplayPacing
{
    /// <summary>At the recorded timestamps (divided by <see cref="RecordingSourceOptions.Speed"/>).</summary>
    Original,
    /// <summary>At <see cref="RecordingSourceOptions.Fps"/>, whatever the recorded rate.</summary>
    FixedFps,
    /// <summary>As fast as the pipeline takes frames.</summary>
    AsFastAsPossible,
}
