using System.Numerics;

namespace MedSeg.Rendering.Tests;

/// <summary>
/// The CPU statement of the overlay shaders (1:1 draws, and the smooth-edge path at any scale): what each framebuffer pixel must be.
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

    /// <summary>
    /// The smooth-edge path (overlay_mask_prob.glsl) for a uniform image drawn into a
    /// <paramref name="targetWidth"/> × <paramref name="targetHeight"/> target: the probability
    /// stored as half floats, sampled bilinearly at each pixel centre as GL defines it (texel
    /// centres at (i + ½) / n, clamp to edge), and compared with the threshold.
    /// </summary>
    /// <param name="ambiguous">Per pixel: some sample lay within <paramref name="margin"/> of the
    /// threshold, where the GPU's fixed-point filter weights may decide either way.</param>
    public static byte[] RenderSmooth(float[] prob, int maskWidth, int maskHeight, int targetWidth, int targetHeight, Vector3 image,
        OverlaySettings settings, float margin, out bool[] ambiguous)
    {
        var half = prob.Select(p => (float)(Half)p).ToArray();
        var rgb = new byte[targetWidth * targetHeight * 3];
        ambiguous = new bool[targetWidth * targetHeight];
        var color = settings.ClassColors[1];
        bool visible = settings.IsClassVisible(1);
        for (int y = 0; y < targetHeight; y++)
        for (int x = 0; x < targetWidth; x++)
        {
            double u = (x + 0.5) / targetWidth, v = (y + 0.5) / targetHeight;
            bool unsure = false;
            bool Inside(double su, double sv)
            {
                double p = Bilinear(half, maskWidth, maskHeight, su, sv);
                unsure |= Math.Abs(p - settings.Threshold) < margin;
                return p >= settings.Threshold;
            }
            bool c = Inside(u, v);
            Vector3 result = image;
            if (settings.Mode == OverlayMode.Contour)
            {
                double du = 1.0 / targetWidth, dv = 1.0 / targetHeight;
                bool edge = Inside(u + du, v) != c | Inside(u - du, v) != c | Inside(u, v + dv) != c | Inside(u, v - dv) != c;
                if (edge && c && visible) result = color;
            }
            else if (c && visible)
            {
                result = Vector3.Lerp(image, color, settings.Opacity);
            }
            ambiguous[y * targetWidth + x] = unsure;
            int o = (y * targetWidth + x) * 3;
            rgb[o] = ToByte(result.X);
            rgb[o + 1] = ToByte(result.Y);
            rgb[o + 2] = ToByte(result.Z);
        }
        return rgb;
    }

    private static double Bilinear(float[] texels, int width, int height, double u, double v)
    {
        double tx = u * width - 0.5, ty = v * height - 0.5;
        int x0 = (int)Math.Floor(tx), y0 = (int)Math.Floor(ty);
        double a = tx - x0, b = ty - y0;
        double At(int x, int y) => texels[Math.Clamp(y, 0, height - 1) * width + Math.Clamp(x, 0, width - 1)];
        return (1 - a) * (1 - b) * At(x0, y0) + a * (1 - b) * At(x0 + 1, y0) + (1 - a) * b * At(x0, y0 + 1) + a * b * At(x0 + 1, y0 + 1);
    }

    private static byte ToByte(float v) => (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255f);
}
