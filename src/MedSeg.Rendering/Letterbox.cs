namespace MedSeg.Rendering;

/// <summary>Fits content into a target keeping its aspect ratio, centred, with black bars on the spare sides.</summary>
public static class Letterbox
{
    /// <summary>The largest centred rectangle of <paramref name="contentWidth"/>:<paramref name="contentHeight"/> aspect inside the target.</summary>
    /// <remarks>Rounds to whole pixels; when the aspects match exactly the rectangle is the whole target,
    /// which the pixel tests rely on (a 1:1 draw samples texel centres exactly).</remarks>
    public static ViewportRect Fit(int contentWidth, int contentHeight, int targetWidth, int targetHeight)
    {
        if (contentWidth <= 0 || contentHeight <= 0 || targetWidth <= 0 || targetHeight <= 0) return default;
        // Compare cross products in 64-bit integers so equal aspects never suffer float rounding.
        long lhs = (long)contentWidth * targetHeight, rhs = (long)contentHeight * targetWidth;
        int width, height;
        if (lhs >= rhs)
        {
            width = targetWidth;   // content is wider: bars above and below
            height = (int)Math.Round((double)targetWidth * contentHeight / contentWidth);
        }
        else
        {
            height = targetHeight; // content is taller: bars left and right
            width = (int)Math.Round((double)targetHeight * contentWidth / contentHeight);
        }
        width = Math.Clamp(width, 1, targetWidth);
        height = Math.Clamp(height, 1, targetHeight);
        return new ViewportRect((targetWidth - width) / 2, (targetHeight - height) / 2, width, height);
    }
}
