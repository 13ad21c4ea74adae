namespace MedSeg.Cli.Tests;

/// <summary>Tests that redirect the process-wide console must not run in parallel.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;
