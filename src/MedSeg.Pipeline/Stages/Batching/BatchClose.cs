namespace MedSeg.Pipeline.Stages;

/// <summary>Why <see cref="MicroBatcher"/> closed a batch.</summary>
public enum BatchClose
{
    /// <summary>It reached MaxBatch frames.</summary>
    Size,
    /// <summary>MaxWait passed since its first frame.</summary>
    Time,
    /// <summary>The input completed (end of stream or shutdown): flushed at once.</summary>
    EndOfStream,
}
