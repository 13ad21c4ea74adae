namespace MedSeg.Cli.Bench;

/// <summary>Headless overlay rendering throughput (issue 5's benchmark), next to the pipeline's figures.</summary>
public sealed record RenderCell(string Renderer, int Width, int Height, int Frames, double UploadDrawFps, double WithReadBackFps);
