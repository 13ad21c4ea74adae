namespace MedSeg.Model.Planning;

/// <summary>Measures what a plan costs on this machine, so the planner can fit a time budget (tests pass fixed numbers).</summary>
public interface IStepTimer
{
    /// <summary>Seconds per optimizer step (forward, backward, update) of a <paramref name="batch"/> of <paramref name="width"/> × <paramref name="height"/> inputs.</summary>
    double SecondsPerStep(int width, int height, int batch, int channels, int classes);

    /// <summary>Milliseconds to segment one <paramref name="width"/> × <paramref name="height"/> frame, tiled by <paramref name="patch"/>² windows when it is smaller (0: whole image).</summary>
    double InferenceMs(int width, int height, int patch, int channels, int classes);
}
