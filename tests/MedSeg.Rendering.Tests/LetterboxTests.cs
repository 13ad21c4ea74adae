using MedSeg.Rendering.Context;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;

namespace MedSeg.Rendering.Tests;

public sealed class LetterboxTests
{
    [Theory]
    [InlineData(512, 512, 800, 600, 100, 0, 600, 600)]    // square in landscape: bars left and right
    [InlineData(640, 320, 400, 400, 0, 100, 400, 200)]    // wide in square: bars above and below
    [InlineData(61, 47, 61, 47, 0, 0, 61, 47)]            // same aspect: the whole target
    [InlineData(1024, 512, 512, 256, 0, 0, 512, 256)]     // side by side 2:1 into 2:1
    [InlineData(100, 300, 1000, 100, 483, 0, 33, 100)]    // rounding to whole pixels, centred
    public void Fit_KeepsAspectAndCentres(int cw, int ch, int tw, int th, int x, int y, int w, int h) =>
        Assert.Equal(new ViewportRect(x, y, w, h), Letterbox.Fit(cw, ch, tw, th));

    [Fact]
    public void Fit_EmptyTarget_IsEmpty() => Assert.True(Letterbox.Fit(10, 10, 0, 50).IsEmpty);

    [Fact]
    public void Draw_WideImageInSquareTarget_LeavesBlackBarsAboveAndBelow()
    {
        const int size = 64;
        using var target = HeadlessRenderTarget.Create(size, size);
        using var renderer = new OverlayRenderer(target.Gl);
        var white = Enumerable.Repeat((byte)255, 32 * 16).ToArray();
        renderer.Upload(new RenderFrame(white, 32, 16, CorePixelFormat.Gray8, default, 0, 0));
        var rect = renderer.Draw(target.Framebuffer, size, size, new OverlaySettings());
        Assert.Equal(new ViewportRect(0, 16, 64, 32), rect);
        var rgb = Headless.ReadRgb(target);
        for (int y = 0; y < size; y++)
        {
            byte expected = y is >= 16 and < 48 ? (byte)255 : (byte)0;
            for (int x = 0; x < size; x += 7) Assert.Equal(expected, rgb[(y * size + x) * 3]);
        }
    }

    [Fact]
    public void Resize_ThenDraw_RefitsTheContent()
    {
        using var target = HeadlessRenderTarget.Create(64, 64);
        using var renderer = new OverlayRenderer(target.Gl);
        renderer.Upload(new RenderFrame(new byte[16 * 16], 16, 16, CorePixelFormat.Gray8, default, 0, 0));
        target.Resize(100, 50);
        Assert.Equal((100, 50), (target.Width, target.Height));
        Assert.Equal(new ViewportRect(25, 0, 50, 50), renderer.Draw(target.Framebuffer, target.Width, target.Height, new OverlaySettings()));
    }
}
