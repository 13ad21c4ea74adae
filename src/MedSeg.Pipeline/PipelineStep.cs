namespace MedSeg.Pipeline;

/// <summary>A named stage wired to its channels, ready to run with a cancellation token.</summary>
internal sealed record PipelineStep(string Name, Func<CancellationToken, Task> Run);
