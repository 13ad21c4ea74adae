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

    [Fact]
    public void ToLines_SourceStateAndSkips_GetALineEach()
    {
        var lines = new HudInfo { Source = "lost: the server closed the connection; reconnecting in 2 s · skipped 3 (last: a.dcm: truncated)" }.ToLines();
        Assert.Equal(HudInfo.LineCount, lines.Length);
        Assert.Equal("source lost: the server closed the connection; reconnecting in 2 s", lines[5]);
        Assert.Equal("skipped 3 (last: a.dcm: truncated)", lines[6]);
        Assert.All(new HudInfo().ToLines()[5..], l => Assert.Empty(l));   // no source state: no line
    }

    [Fact]
    public void Draw_SourceLine_IsDrawnBelowTheFiguresAndCutToTheBox()
    {
        int Bright(HudInfo info)
        {
            using var target = HeadlessRenderTarget.Create(400, 300);
            using var hud = new HudRenderer(target.Gl);
            var gl = target.Gl;
            gl.BindFramebuffer(Silk.NET.OpenGL.FramebufferTarget.Framebuffer, target.Framebuffer);
            gl.ClearColor(0, 0, 0, 1);
            gl.Clear(Silk.NET.OpenGL.ClearBufferMask.ColorBufferBit);
            hud.Draw(target.Framebuffer, 400, 300, info);
            var rgb = Headless.ReadRgb(target);
            // Lines 6 and 7 of the box (8 px margin, 18 px per line), and the right of the box where a long line would spill.
            int n = 0;
            for (int y = 8 + 5 * 18 + 4; y < 8 + 7 * 18 + 6; y++)
            for (int x = 0; x < 400; x++)
                if (rgb[(y * 400 + x) * 3] > 128) n += x >= 8 + hud.Width ? 1_000_000 : 1;
            return n;
        }
        Assert.Equal(0, Bright(new HudInfo { Status = "Filled 50%" }));
        int shown = Bright(new HudInfo { Source = "reconnecting in 2 s · skipped 12 (last: " + new string('x', 300) + ")" });
        Assert.InRange(shown, 50, 999_999);   // drawn, and nothing right of the box
    }
}
