namespace MedSeg.Rendering;

/// <summary>A rectangle of the framebuffer in GL's convention (origin bottom-left, pixels).</summary>
public readonly record struct ViewportRect(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;
}
