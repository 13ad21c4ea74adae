namespace MedSeg.Cli.Bench;

/// <summary>Headless overlay rendering throughput (issue 5's benchmark), next to the pipeline's figures.</summary>
/// <param name="UploadDrawFps">8-bit grey image + class mask uploaded and the filled overlay drawn, full-range image (live ultrasound / X-ray).</param>
/// <param name="WithReadBackFps">The same plus reading the framebuffer back (the PNG / video capture path).</param>
/// <param name="CtWindowFps">The same as <paramref name="UploadDrawFps"/> with a 16-bit HU image through the soft-tissue window (the shader's window/level path).</param>
/// <param name="BareFps">The yardstick measured in the same run: image upload + a one-texture pass-through draw.</param>
public sealed record RenderCell(string Renderer, int Width, int Height, int Frames, double UploadDrawFps, double WithReadBackFps, double CtWindowFps, double BareFps)
{
    /// <summary>Overlay frames/s as a fraction of the bare draw's: how much of the GL's textured fill rate the overlay keeps.</summary>
    public double FractionOfBare => UploadDrawFps / BareFps;
}
