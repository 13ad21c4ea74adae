namespace MedSeg.Cli.Bench;

/// <summary>Headless overlay rendering throughput (issue 5's benchmark), next to the pipeline's figures.</summary>
/// <param name="BareFps">The yardstick measured in the same run: image upload + a one-texture pass-through draw.</param>
public sealed record RenderCell(string Renderer, int Width, int Height, int Frames, double UploadDrawFps, double WithReadBackFps, double BareFps)
{
    /// <summary>Overlay frames/s as a fraction of the bare draw's: how much of the GL's textured fill rate the overlay keeps.</summary>
    public double FractionOfBare => UploadDrawFps / BareFps;
}
