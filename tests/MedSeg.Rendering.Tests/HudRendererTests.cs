using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;

namespace MedSeg.Rendering.Tests;

public sealed class HudRendererTests
{
    [Fact]
    public void Draw_PutsTextInTheTopLeftCornerOnly()
    {
        using var target = HeadlessRenderTarget.Create(400, 300);
        using var hud = new HudRenderer(target.Gl);
        var gl = target.Gl;
        gl.BindFramebuffer(Silk.NET.OpenGL.FramebufferTarget.Framebuffer, target.Framebuffer);
        gl.ClearColor(0, 0, 0, 1);
        gl.Clear(Silk.NET.OpenGL.ClearBufferMask.ColorBufferBit);
        hud.Draw(target.Framebuffer, 400, 300, new HudInfo { Fps = 59.9, FrameNumber = 1234, ModelName = "unet", Device = "cpu", Status = "Filled 50%" });
        var rgb = Headless.ReadRgb(target);
        int Bright(int x0, int y0, int x1, int y1)
        {
            int n = 0;
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                if (rgb[(y * 400 + x) * 3] > 128) n++;
            return n;
        }
        Assert.True(Bright(0, 0, 200, 100) > 50, "HUD text missing from the top-left corner");
        Assert.Equal(0, Bright(0, 150, 400, 300));   // nothing in the lower half
    }

    [Fact]
    public void ToLines_ShowsEveryFigure()
    {
        var text = string.Join("\n", new HudInfo
        {
            Fps = 30, LatencyMedianMs = 12.34, LatencyP99Ms = 20, DroppedFrames = 7, ModelName = "unet-s", Device = "cuda", FrameNumber = 42,
        }.ToLines());
        foreach (var part in new[] { "fps 30.0", "frame 42", "p50 12.3 ms", "p99 20.0 ms", "dropped 7", "model unet-s", "device cuda" })
            Assert.Contains(part, text);
    }
}
