namespace MedSeg.Rendering;

/// <summary>How the mask is drawn over the image (the O key cycles through them in this order).</summary>
public enum OverlayMode
{
    /// <summary>Each visible class filled with its colour at <see cref="OverlaySettings.Opacity"/>.</summary>
    Filled,
    /// <summary>Only the class boundaries, opaque, one mask texel wide.</summary>
    Contour,
    /// <summary>The foreground probability as a blue→red ramp, opacity × probability.</summary>
    HeatMap,
    /// <summary>Image on the left, filled overlay on the right (twice as wide).</summary>
    SideBySide,
}
