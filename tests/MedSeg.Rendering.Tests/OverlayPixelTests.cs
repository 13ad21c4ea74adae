using System.Numerics;
using System.Runtime.InteropServices;
using MedSeg.Rendering.Context;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;

namespace MedSeg.Rendering.Tests;

/// <summary>Real Mesa (llvmpipe) draws read back and compared with <see cref="ReferenceBlend"/> (per-channel tolerance 2).</summary>
public sealed class OverlayPixelTests
{
    // Odd sizes on purpose: rows of 61 grey bytes are not 4-byte aligned.
    private const int W = 61, H = 47;

    [Theory]
    [InlineData(OverlayMode.Filled)]
    [InlineData(OverlayMode.Contour)]
    [InlineData(OverlayMode.HeatMap)]
    [InlineData(OverlayMode.SideBySide)]
    public void Draw_Gray8_EveryMode_MatchesCpuReference(OverlayMode mode)
    {
        var (pixels, raw) = Gray8Image(seed: 1);
        var settings = new OverlaySettings { Mode = mode, Opacity = 0.6f };
        AssertDraw(pixels, CorePixelFormat.Gray8, raw, Mask(W, H), W, H, Prob(W, H), settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8));
    }

    [Fact]
    public void Draw_HiddenClass_LeavesItsPixelsUncovered()
    {
        var (pixels, raw) = Gray8Image(seed: 2);
        var settings = new OverlaySettings { Opacity = 0.8f };
        settings.ToggleClass(2);
        Assert.False(settings.IsClassVisible(2));
        AssertDraw(pixels, CorePixelFormat.Gray8, raw, Mask(W, H), W, H, null, settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8));
    }

    [Fact]
    public void Draw_HeatMapWithoutProbabilities_UsesLabelledAsOne()
    {
        var (pixels, raw) = Gray8Image(seed: 3);
        var settings = new OverlaySettings { Mode = OverlayMode.HeatMap, Opacity = 0.5f };
        AssertDraw(pixels, CorePixelFormat.Gray8, raw, Mask(W, H), W, H, null, settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8));
    }

    [Fact]
    public void Draw_Bgr24_ShowsColoursInTheRightOrder()
    {
        var rng = new Random(4);
        var pixels = new byte[W * H * 3];
        rng.NextBytes(pixels);
        var raw = new Vector3[W * H];
        for (int i = 0; i < raw.Length; i++) raw[i] = new Vector3(pixels[i * 3 + 2], pixels[i * 3 + 1], pixels[i * 3]);   // BGR → RGB
        var settings = new OverlaySettings { Opacity = 0.3f };
        AssertDraw(pixels, CorePixelFormat.Bgr24, raw, Mask(W, H), W, H, null, settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Bgr24));
    }

    [Theory]
    [InlineData(OverlayMode.Filled)]
    [InlineData(OverlayMode.Contour)]
    public void Draw_Gray16WithWindowLevel_AppliesTheWindowInTheShader(OverlayMode mode)
    {
        // 12-bit detector data shown through a narrow window: values outside it saturate.
        var rng = new Random(5);
        var values = new ushort[W * H];
        for (int i = 0; i < values.Length; i++) values[i] = (ushort)rng.Next(0, 4096);
        var window = new WindowLevel(2000, 1200);
        var settings = new OverlaySettings { Mode = mode, Window = window, Opacity = 0.4f };
        AssertDraw(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), CorePixelFormat.Gray16, Grey(values, v => v), Mask(W, H), W, H, null, settings, window);
    }

    [Fact]
    public void Draw_Gray8ThroughANarrowWindow_StretchesAndSaturates()
    {
        // 8-bit images normally skip window/level (their full range is the default); a window set
        // by the user must still be applied.
        var (pixels, raw) = Gray8Image(seed: 13);
        var window = new WindowLevel(100, 80);
        var settings = new OverlaySettings { Window = window, Opacity = 0.5f };
        AssertDraw(pixels, CorePixelFormat.Gray8, raw, Mask(W, H), W, H, null, settings, window);
    }

    [Theory]
    [InlineData(OverlayMode.Filled)]
    [InlineData(OverlayMode.HeatMap)]
    public void Draw_Gray16FullRange_ShowsTheTexelsAsTheyAre(OverlayMode mode)
    {
        var rng = new Random(14);
        var values = new ushort[W * H];
        for (int i = 0; i < values.Length; i++) values[i] = (ushort)rng.Next(0, 65536);
        var settings = new OverlaySettings { Mode = mode, Opacity = 0.4f };
        AssertDraw(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), CorePixelFormat.Gray16, Grey(values, v => v), Mask(W, H), W, H, Prob(W, H),
            settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray16));
    }

    [Fact]
    public void Draw_Int16HounsfieldWithSoftTissueWindow_MatchesCpuReference()
    {
        var rng = new Random(6);
        var values = new short[W * H];
        for (int i = 0; i < values.Length; i++) values[i] = (short)rng.Next(-1000, 1001);
        var settings = new OverlaySettings { Window = WindowLevel.SoftTissue };
        AssertDraw(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), CorePixelFormat.Int16, Grey(values, v => v), Mask(W, H), W, H, null, settings, WindowLevel.SoftTissue);
    }

    [Fact]
    public void Draw_Float32DefaultWindow_ShowsZeroToOne()
    {
        var rng = new Random(7);
        var values = new float[W * H];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 1.4 - 0.2);   // some out of range
        var settings = new OverlaySettings { Mode = OverlayMode.HeatMap };
        AssertDraw(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), CorePixelFormat.Float32, Grey(values, v => v), Mask(W, H), W, H, Prob(W, H), settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Float32));
    }

    [Fact]
    public void Draw_MaskSmallerThanImage_IsScaledNearest()
    {
        // The model's output is often smaller than the source image.
        const int w = 64, h = 48;
        var rng = new Random(8);
        var pixels = new byte[w * h];
        rng.NextBytes(pixels);
        var settings = new OverlaySettings { Mode = OverlayMode.Contour };
        AssertDraw(pixels, CorePixelFormat.Gray8, Grey(pixels, v => v), Mask(w / 2, h / 2), w / 2, h / 2, null, settings,
            OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8), w, h);
    }

    [Fact]
    public void Upload_SecondFrameOfSameSize_ReplacesTheFirst()
    {
        using var target = HeadlessRenderTarget.Create(W, H);
        using var renderer = new OverlayRenderer(target.Gl);
        var settings = new OverlaySettings();
        var (first, _) = Gray8Image(seed: 9);
        var (second, raw) = Gray8Image(seed: 10);
        var labels = Mask(W, H);
        renderer.Upload(new RenderFrame(first, W, H, CorePixelFormat.Gray8, labels, W, H));
        renderer.Draw(target.Framebuffer, W, H, settings);
        renderer.Upload(new RenderFrame(second, W, H, CorePixelFormat.Gray8, new byte[W * H], W, H));
        renderer.Draw(target.Framebuffer, W, H, settings);
        var scene = new ReferenceBlend.Scene(W, H, raw, new byte[W * H], W, H, null);
        Headless.AssertClose(ReferenceBlend.Render(scene, settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8)), Headless.ReadRgb(target), W);
    }

    [Fact]
    public void Draw_ClassIdsPastThePalette_AreLeftUncovered()
    {
        // A model with more classes than the overlay colours (or a corrupt mask) must not smear
        // another class's colour over the image.
        var (pixels, raw) = Gray8Image(seed: 11);
        var labels = Mask(W, H).Select(c => c switch { 1 => (byte)OverlaySettings.MaxClasses, 3 => (byte)255, _ => c }).ToArray();
        var settings = new OverlaySettings { Opacity = 0.9f };
        AssertDraw(pixels, CorePixelFormat.Gray8, raw, labels, W, H, null, settings, OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8));
    }

    [Fact]
    public void Draw_SettingsChangedBetweenDraws_AreUsedByTheNextDraw()
    {
        // The palette texture is rewritten only when colours, opacity, visibility or mode change.
        using var target = HeadlessRenderTarget.Create(W, H);
        using var renderer = new OverlayRenderer(target.Gl);
        var (pixels, raw) = Gray8Image(seed: 12);
        var labels = Mask(W, H);
        var settings = new OverlaySettings { Opacity = 0.3f };
        renderer.Upload(new RenderFrame(pixels, W, H, CorePixelFormat.Gray8, labels, W, H));
        renderer.Draw(target.Framebuffer, W, H, settings);
        var scene = new ReferenceBlend.Scene(W, H, raw, labels, W, H, null);
        var window = OverlayRenderer.DefaultWindow(CorePixelFormat.Gray8);

        settings.Opacity = 0.7f;
        settings.ToggleClass(1);
        renderer.Draw(target.Framebuffer, W, H, settings);
        Headless.AssertClose(ReferenceBlend.Render(scene, settings, window), Headless.ReadRgb(target), W);

        settings.Mode = OverlayMode.Contour;   // contours cover fully whatever the opacity
        renderer.Draw(target.Framebuffer, W, H, settings);
        Headless.AssertClose(ReferenceBlend.Render(scene, settings, window), Headless.ReadRgb(target), W);
    }

    private static void AssertDraw(byte[] pixels, CorePixelFormat format, Vector3[] raw, byte[] labels, int maskWidth, int maskHeight,
        float[]? prob, OverlaySettings settings, WindowLevel window, int width = W, int height = H)
    {
        int targetWidth = settings.Mode == OverlayMode.SideBySide ? width * 2 : width;
        using var target = HeadlessRenderTarget.Create(targetWidth, height);
        using var renderer = new OverlayRenderer(target.Gl);
        renderer.Upload(new RenderFrame(pixels, width, height, format, labels, maskWidth, maskHeight, prob));
        var rect = renderer.Draw(target.Framebuffer, target.Width, target.Height, settings);
        Assert.Equal(new ViewportRect(0, 0, targetWidth, height), rect);   // 1:1, so texel centres are sampled exactly
        var scene = new ReferenceBlend.Scene(width, height, raw, labels, maskWidth, maskHeight, prob);
        Headless.AssertClose(ReferenceBlend.Render(scene, settings, window), Headless.ReadRgb(target), targetWidth);
    }

    private static (byte[] Pixels, Vector3[] Raw) Gray8Image(int seed)
    {
        var pixels = new byte[W * H];
        new Random(seed).NextBytes(pixels);
        return (pixels, Grey(pixels, v => v));
    }

    private static Vector3[] Grey<T>(T[] values, Func<T, float> toFloat) => values.Select(v => new Vector3(toFloat(v))).ToArray();

    /// <summary>Three classes: a rectangle, a disc, and a block touching the right and top borders (contours stay open there).</summary>
    private static byte[] Mask(int width, int height)
    {
        var mask = new byte[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double dx = x - width * 0.62, dy = y - height * 0.55;
            byte c = 0;
            if (x >= width / 10 && x < width / 3 && y >= height / 8 && y < height / 2) c = 1;
            if (dx * dx + dy * dy < Math.Pow(Math.Min(width, height) * 0.22, 2)) c = 2;
            if (x >= width * 9 / 10 && y < height / 4) c = 3;
            mask[y * width + x] = c;
        }
        return mask;
    }

    private static float[] Prob(int width, int height)
    {
        var rng = new Random(42);
        return Enumerable.Range(0, width * height).Select(_ => (float)rng.NextDouble()).ToArray();
    }
}
