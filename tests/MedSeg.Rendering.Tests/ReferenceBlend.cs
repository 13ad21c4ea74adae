using System.Numerics;

namespace MedSeg.Rendering.Tests;

/// <summary>
/// The CPU statement of shaders/overlay.frag for 1:1 draws: what each framebuffer pixel must be.
/// Kept deliberately plain (doubles, loops) so it reads as the specification.
/// </summary>
public static class ReferenceBlend
{
    /// <summary>A test image as raw values per pixel: grey in R=G=B, or colour.</summary>
    public sealed record Scene(int Width, int Height, Vector3[] Raw, byte[] Labels, int MaskWidth, int MaskHeight, float[]? Prob);

    /// <summary>Expected RGB bytes, top row first, of the whole content (2 × width for side by side).</summary>
    public static byte[] Render(Scene s, OverlaySettings settings, WindowLevel window)
    {
        int outWidth = settings.Mode == OverlayMode.SideBySide ? s.Width * 2 : s.Width;
        var rgb = new byte[outWidth * s.Height * 3];
        for (int y = 0; y < s.Height; y++)
        for (int x = 0; x < outWidth; x++)
        {
            Vector3 color;
            if (settings.Mode == OverlayMode.SideBySide)
                color = x < s.Width ? ImageColor(s, x, y, window) : Overlay(s, x - s.Width, y, OverlayMode.Filled, settings, window);
            else
                color = Overlay(s, x, y, settings.Mode, settings, window);
            int o = (y * outWidth + x) * 3;
            rgb[o] = ToByte(color.X);
            rgb[o + 1] = ToByte(color.Y);
            rgb[o + 2] = ToByte(color.Z);
        }
        return rgb;
    }

    private static Vector3 Overlay(Scene s, int x, int y, OverlayMode mode, OverlaySettings settings, WindowLevel window)
    {
        var baseColor = ImageColor(s, x, y, window);
        // Nearest mask texel for the image pixel centre.
        int mx = Math.Min((int)((x + 0.5) * s.MaskWidth / s.Width), s.MaskWidth - 1);
        int my = Math.Min((int)((y + 0.5) * s.MaskHeight / s.Height), s.MaskHeight - 1);
        int c = ClassAt(s, mx, my);
        float opacity = settings.Opacity;
        if (mode == OverlayMode.HeatMap)
        {
            float p = s.Prob is null ? (c != 0 ? 1f : 0f) : Math.Clamp(s.Prob[my * s.MaskWidth + mx], 0f, 1f);
            return Vector3.Lerp(baseColor, Heat(p), opacity * p);
        }
        if (!settings.IsClassVisible(c)) return baseColor;
        var classColor = settings.ClassColors[c];
        if (mode == OverlayMode.Contour)
        {
            bool edge = ClassAt(s, mx + 1, my) != c || ClassAt(s, mx - 1, my) != c || ClassAt(s, mx, my + 1) != c || ClassAt(s, mx, my - 1) != c;
            return edge ? classColor : baseColor;
        }
        return Vector3.Lerp(baseColor, classColor, opacity);
    }

    private static Vector3 ImageColor(Scene s, int x, int y, WindowLevel w)
    {
        var raw = s.Raw[y * s.Width + x];
        return Vector3.Clamp((raw - new Vector3((float)w.Low)) / (float)w.Width, Vector3.Zero, Vector3.One);
    }

    private static int ClassAt(Scene s, int x, int y) =>
        s.Labels[Math.Clamp(y, 0, s.MaskHeight - 1) * s.MaskWidth + Math.Clamp(x, 0, s.MaskWidth - 1)];

    private static Vector3 Heat(float p) => Vector3.Clamp(
        new Vector3(1.5f - Math.Abs(4 * p - 3), 1.5f - Math.Abs(4 * p - 2), 1.5f - Math.Abs(4 * p - 1)), Vector3.Zero, Vector3.One);

    private static byte ToByte(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255f);
}
