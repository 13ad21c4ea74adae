using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>What <see cref="WindowRule"/> decided for one image size: the preprocessing and, when tiled, the window.</summary>
/// <param name="Input">The size images or frames are prepared at (the model's preprocessing otherwise).</param>
public sealed record WindowPlan(PreprocessOptions Input, int WindowHeight, int WindowWidth)
{
    /// <summary>The input is larger than the window: Gaussian-weighted sliding windows, not one pass.</summary>
    public bool Tiled => WindowHeight < Input.Height || WindowWidth < Input.Width;

    /// <summary>Windows per image (1 when not tiled), with <see cref="SlidingWindows"/>' default overlap.</summary>
    public int Windows => SlidingWindows.Starts(Input.Height, WindowHeight, SlidingWindows.DefaultOverlap).Length
                        * SlidingWindows.Starts(Input.Width, WindowWidth, SlidingWindows.DefaultOverlap).Length;
}
