namespace MedSeg.Pipeline;

/// <summary>A stage or sink failed and the pipeline stopped; names the stage and carries the partial report.</summary>
public sealed class PipelineException : Exception
{
    public PipelineException(string stage, Exception cause, PipelineReport? report)
        : base($"pipeline stage '{stage}' failed: {cause.GetType().Name}: {cause.Message}", cause)
    {
        Stage = stage;
        Report = report;
    }

    /// <summary>Name of the stage (or sink) where the failure started.</summary>
    public string Stage { get; }

    /// <summary>What was counted up to the failure.</summary>
    public PipelineReport? Report { get; }
}
