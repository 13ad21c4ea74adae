using MedSeg.Rendering.Shaders;
using OpenCvSharp;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Hud;

/// <summary>
/// Draws the HUD: text rasterised on the CPU with OpenCV into a small BGRA image, uploaded as a
/// texture and alpha-blended into the top-left corner at 1:1 pixel size.
/// </summary>
/// <remarks>
/// Why the CPU: GL core has no text, and a font atlas is much more code than one PutText per line
/// for a few hundred pixels. The image is redrawn and re-uploaded only when the text changes,
/// so a frame that keeps the same <see cref="HudInfo"/> costs one textured quad.
/// Memory: one Mat and one texture, fixed size. GL thread only.
/// </remarks>
public sealed class HudRenderer : IDisposable
{
    private const int LineHeight = 18, Margin = 8;
    private const double FontScale = 0.45;
    private readonly GL _gl;
    private readonly ShaderProgram _program;
    private readonly uint _vao;
    private readonly GpuTexture _texture;
    private readonly Mat _canvas;
    private HudInfo? _shown;

    public HudRenderer(GL gl, string? shaderDirectory = null, int width = 340, int lines = HudInfo.LineCount)
    {
        _gl = gl;
        _program = ShaderProgram.Load(gl, shaderDirectory ?? ShaderProgram.DefaultDirectory, "hud.vert", "hud.frag");
        _vao = gl.GenVertexArray();
        Width = width;
        Height = lines * LineHeight + 8;
        _canvas = new Mat(Height, Width, MatType.CV_8UC4);
        _texture = new GpuTexture(gl, TextureMinFilter.Nearest);
        _program.Use();
        gl.Uniform1(_program.Uniform("u_hud"), 0);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Draws <paramref name="info"/> over whatever is in the framebuffer (call after the overlay).</summary>
    public void Draw(uint framebuffer, int targetWidth, int targetHeight, HudInfo info) =>
        Draw(framebuffer, new ViewportRect(0, 0, targetWidth, targetHeight), info);

    /// <summary>Draws <paramref name="info"/> in the top-left corner of <paramref name="area"/> (a tile), over what is there.</summary>
    public void Draw(uint framebuffer, ViewportRect area, HudInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        // Records compare by value: an unchanged HUD is neither redrawn nor re-uploaded.
        if (info != _shown) Rasterise(info);
        var gl = _gl;
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
        int y = area.Y + area.Height - Margin - Height;   // GL's origin is bottom-left; the HUD sits top-left
        gl.Viewport(area.X + Margin, y, (uint)Width, (uint)Height);
        // A tile smaller than the HUD keeps it inside: the scissor clips what would spill into a neighbour.
        gl.Enable(EnableCap.ScissorTest);
        gl.Scissor(area.X, area.Y, (uint)area.Width, (uint)area.Height);
        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        _program.Use();
        gl.Uniform4(_program.Uniform("u_rect"), -1f, -1f, 1f, 1f);
        _texture.Bind(TextureUnit.Texture0);
        gl.BindVertexArray(_vao);
        gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
        gl.Disable(EnableCap.Blend);
        gl.Disable(EnableCap.ScissorTest);
        gl.Viewport(area.X, area.Y, (uint)area.Width, (uint)area.Height);
    }

    public void Dispose()
    {
        _texture.Dispose();
        _gl.DeleteVertexArray(_vao);
        _program.Dispose();
        _canvas.Dispose();
    }

    // A line wider than the box ends in "..." instead of running off it (a skip reason can be long).
    private string Fit(string line)
    {
        // Hershey fonts are ASCII: the figures' "×" and "−" as their ASCII look-alikes, anything else as "?".
        line = string.Concat(line.Select(static c => c switch { '×' => "x", '−' or '–' => "-", '…' => "...", < (char)128 => c.ToString(), _ => "?" }));
        if (TextWidth(line) <= Width - 12) return line;
        int n = line.Length;
        while (n > 1 && TextWidth(line[..n] + "...") > Width - 12) n--;
        return line[..n] + "...";
    }

    private static int TextWidth(string s) => Cv2.GetTextSize(s, HersheyFonts.HersheySimplex, FontScale, 1, out _).Width;

    private void Rasterise(HudInfo info)
    {
        _canvas.SetTo(new Scalar(0, 0, 0, 150));   // translucent black box keeps text readable on any image
        var lines = info.ToLines();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            Cv2.PutText(_canvas, Fit(lines[i]), new Point(6, LineHeight * (i + 1)), HersheyFonts.HersheySimplex, FontScale,
                new Scalar(255, 255, 255, 255), 1, LineTypes.AntiAlias);
        }
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
        _texture.Upload(Width, Height, SizedInternalFormat.Rgba8, PixelFormat.Bgra, PixelType.UnsignedByte, _canvas.AsSpan<byte>());
        _shown = info;
    }
}
