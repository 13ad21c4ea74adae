using System.Diagnostics;
using MedSeg.Rendering.Shaders;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering;

/// <summary>
/// The overlay's compiled programs, one per mode × image path × mask path (see shaders/README.md),
/// shared by every <see cref="OverlayRenderer"/> of a context (one renderer per tiled stream).
/// </summary>
/// <remarks>GL thread only. Compiling them is the slow part of making a renderer on llvmpipe,
/// so a tiled view compiles them once, not once per tile.</remarks>
public sealed class OverlayPrograms : IDisposable
{
    private static readonly string[] s_modes = ["overlay_filled.frag", "overlay_contour.frag", "overlay_heat.frag", "overlay_side.frag"];
    private static readonly string[] s_imagePaths = ["overlay_image_full.glsl", "overlay_image_window.glsl"];
    private static readonly string[] s_maskPaths = ["overlay_mask_labels.glsl", "overlay_mask_prob.glsl"];
    private readonly ShaderProgram[] _programs;

    /// <param name="shaderDirectory">Folder holding the .vert/.frag files; default <see cref="ShaderProgram.DefaultDirectory"/>.</param>
    /// <exception cref="ShaderCompileException">A shader failed to compile or link.</exception>
    public OverlayPrograms(GL gl, string? shaderDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(gl);
        string directory = shaderDirectory ?? ShaderProgram.DefaultDirectory;
        Debug.Assert(s_modes.Length == Enum.GetValues<OverlayMode>().Length);
        _programs = new ShaderProgram[s_modes.Length * s_imagePaths.Length * s_maskPaths.Length];
        try
        {
            for (int m = 0; m < s_modes.Length; m++)
            for (int w = 0; w < s_imagePaths.Length; w++)
            for (int k = 0; k < s_maskPaths.Length; k++)
                _programs[Index((OverlayMode)m, windowed: w == 1, smooth: k == 1)] =
                    ShaderProgram.Load(gl, directory, "fullscreen.vert", "overlay_common.glsl", s_imagePaths[w], s_maskPaths[k], s_modes[m]);
        }
        catch
        {
            foreach (var p in _programs) p?.Dispose();
            throw;
        }
        foreach (var program in _programs)
        {
            program.Use();
            gl.Uniform1(program.Uniform("u_image"), 0);
            gl.Uniform1(program.Uniform("u_mask"), 1);
            gl.Uniform1(program.Uniform("u_prob"), 2);
            gl.Uniform1(program.Uniform("u_palette"), 3);
        }
    }

    /// <param name="windowed">Window/level applied (overlay_image_window.glsl) rather than the texel as it is.</param>
    /// <param name="smooth">Edges from the thresholded probability (overlay_mask_prob.glsl) rather than class ids.</param>
    public ShaderProgram For(OverlayMode mode, bool windowed, bool smooth) => _programs[Index(mode, windowed, smooth)];

    public void Dispose()
    {
        foreach (var program in _programs) program.Dispose();
    }

    private static int Index(OverlayMode mode, bool windowed, bool smooth) => ((int)mode * 2 + (windowed ? 1 : 0)) * 2 + (smooth ? 1 : 0);
}
