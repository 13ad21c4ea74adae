namespace MedSeg.Cli.Engines;

/// <summary>One remembered choice.</summary>
public sealed record EngineChoice(string Engine, double OnnxMs, double TorchMs, DateTimeOffset Measured);
