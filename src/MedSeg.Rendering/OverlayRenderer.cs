using System.Diagnostics;
using System.Numerics;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Shaders;
using Silk.NET.OpenGL;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;
using GlPixelFormat = Silk.NET.OpenGL.PixelFormat;

namespace MedSeg.Rendering;

/// <summary>
/// Draws an image with its segmentation over it (shaders/fullscreen.vert + overlay_common.glsl + overlay_image_*.glsl
/// + overlay_mask_*.glsl + overlay_&lt;mode&gt;.frag),
/// letterboxed into a framebuffer.
/// </summary>
/// <remarks>
/// Inputs: <see cref="Upload(in RenderFrame)"/> per new frame; <see cref="Draw"/> per displayed frame.
/// Memory: three textures (image, class ids as R8, probability R16F) reallocated only when a frame's
/// size or pixel format changes; otherwise updated in place with glTexSubImage2D, so the steady
/// state allocates nothing on the CPU or the GPU. A fourth, the 256×1 class palette, is written
/// only when colours, opacity or visibility change.
/// Notes: GL thread only. Window/level is applied in the shader in raw pixel units, so 16-bit and
/// float images need no CPU conversion.
/// </remarks>
public sealed class OverlayRenderer : IDisposable
{
    private readonly GL _gl;
    private readonly OverlayPrograms _programs;
    private readonly bool _ownsPrograms;
    private readonly uint _vao, _nearest, _linear;
    // RGBA8 per class id 0–255 (see overlay_common.glsl): the texels as drawn and the next ones.
    private readonly byte[] _palette = new byte[PaletteSize * 4], _nextPalette = new byte[PaletteSize * 4];
    private readonly GpuTexture _image, _mask, _prob, _paletteTexture;
    private CorePixelFormat _format;
    private bool _hasProb, _binary;
    private const int PaletteSize = 256;   // every R8 class id has an entry, so the shader needs no range test

    /// <param name="shaderDirectory">Folder holding the .vert/.frag files; default <see cref="ShaderProgram.DefaultDirectory"/>.</param>
    /// <exception cref="ShaderCompileException">A shader failed to compile or link.</exception>
    public OverlayRenderer(GL gl, string? shaderDirectory = null) : this(gl, new OverlayPrograms(gl, shaderDirectory), ownsPrograms: true)
    {
    }

    /// <summary>A renderer with its own textures drawing with <paramref name="programs"/>, which stay the caller's (tiled views).</summary>
    public OverlayRenderer(GL gl, OverlayPrograms programs) : this(gl, programs, ownsPrograms: false)
    {
    }

    private OverlayRenderer(GL gl, OverlayPrograms programs, bool ownsPrograms)
    {
        _gl = gl;
        _programs = programs ?? throw new ArgumentNullException(nameof(programs));
        _ownsPrograms = ownsPrograms;
        // At exactly 1:1 nearest sampling gives the same pixels as linear, and software GL does it
        // far faster; scaled views use linear. Sampler objects switch without touching the texture.
        _nearest = SamplerWith(gl, TextureMinFilter.Nearest);
        _linear = SamplerWith(gl, TextureMinFilter.Linear);
        // Core profile refuses draws without a VAO, even one with no attributes.
        _vao = gl.GenVertexArray();
        _image = new GpuTexture(gl, TextureMinFilter.Linear);
        _mask = new GpuTexture(gl, TextureMinFilter.Nearest);   // class ids must never be interpolated
        _prob = new GpuTexture(gl, TextureMinFilter.Linear);   // bilinear: the smooth-edge path upsamples it
        _mask.Upload(1, 1, SizedInternalFormat.R8, GlPixelFormat.Red, PixelType.UnsignedByte, new byte[1]);
        _prob.Upload(1, 1, SizedInternalFormat.R16f, GlPixelFormat.Red, PixelType.Float, new byte[4]);
        _paletteTexture = new GpuTexture(gl, TextureMinFilter.Nearest);
        // Every id starts transparent (a = 1 − cover = 1); ids past MaxClasses stay so.
        for (int i = 3; i < _palette.Length; i += 4) _palette[i] = _nextPalette[i] = 255;
        UploadPalette(_palette);
    }

    /// <summary>True once an image was uploaded.</summary>
    public bool HasImage { get; private set; }

    /// <summary>Size of the last uploaded image.</summary>
    public int ImageWidth { get; private set; }

    public int ImageHeight { get; private set; }

    /// <summary>Copies a pipeline frame's image, labels and (when wanted) probabilities into the textures.</summary>
    public void Upload(Frame frame, bool probabilities = true) => Upload(RenderFrame.From(frame), probabilities);

    /// <summary>Copies the frame into the textures; the spans can be reused when this returns.</summary>
    /// <param name="probabilities">Upload the probability map too: the heat map and the smooth edges
    /// (<see cref="OverlaySettings.SmoothEdges"/>) read it. Callers that draw neither skip it: it is
    /// the largest of the three uploads (R16F, converted from floats by GL).</param>
    public void Upload(in RenderFrame frame, bool probabilities = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frame.Width, nameof(frame));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frame.Height, nameof(frame));
        int bytes = checked(frame.Width * frame.Height * frame.Format.BytesPerPixel());
        if (frame.Pixels.Length < bytes)
            throw new ArgumentException($"image needs {bytes} bytes, got {frame.Pixels.Length}", nameof(frame));
        // Rows are packed, not padded to 4 bytes (odd-width grey and BGR images).
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        var (internalFormat, pixelFormat, pixelType) = ImageLayout(frame.Format);
        _image.Upload(frame.Width, frame.Height, internalFormat, pixelFormat, pixelType, frame.Pixels[..bytes]);
        (_format, ImageWidth, ImageHeight, HasImage) = (frame.Format, frame.Width, frame.Height, true);

        int plane = frame.MaskWidth * frame.MaskHeight;
        if (plane > 0 && frame.Labels.Length >= plane)
            _mask.Upload(frame.MaskWidth, frame.MaskHeight, SizedInternalFormat.R8, GlPixelFormat.Red, PixelType.UnsignedByte, frame.Labels[..plane]);
        else
            _mask.Upload(1, 1, SizedInternalFormat.R8, GlPixelFormat.Red, PixelType.UnsignedByte, stackalloc byte[1]);
        _hasProb = probabilities && plane > 0 && frame.Foreground.Length >= plane;
        // Thresholding one probability can only tell foreground from background: a mask with class
        // ids above 1 keeps the class-id path (one vectorised scan of the labels).
        _binary = plane > 0 && frame.Labels.Length >= plane && frame.Labels[..plane].IndexOfAnyExcept((byte)0, (byte)1) < 0;
        if (_hasProb)
            _prob.Upload(frame.MaskWidth, frame.MaskHeight, SizedInternalFormat.R16f, GlPixelFormat.Red, PixelType.Float,
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(frame.Foreground[..plane]));
    }

    /// <summary>Where the content goes in a target of this size (side by side is twice as wide).</summary>
    public ViewportRect ContentRect(int targetWidth, int targetHeight, OverlayMode mode)
    {
        if (!HasImage) return default;
        int contentWidth = mode == OverlayMode.SideBySide ? ImageWidth * 2 : ImageWidth;
        return Letterbox.Fit(contentWidth, ImageHeight, targetWidth, targetHeight);
    }

    /// <summary>Draws the overlay letterboxed into <paramref name="framebuffer"/>, black around it.</summary>
    /// <returns>The rectangle the content covers (empty before the first upload).</returns>
    public ViewportRect Draw(uint framebuffer, int targetWidth, int targetHeight, OverlaySettings settings) =>
        Draw(framebuffer, new ViewportRect(0, 0, targetWidth, targetHeight), settings);

    /// <summary>Draws the overlay letterboxed into <paramref name="area"/> of <paramref name="framebuffer"/> (a tile), black around it; the rest of the framebuffer is left as it is.</summary>
    /// <returns>The rectangle the content covers (empty before the first upload).</returns>
    public ViewportRect Draw(uint framebuffer, ViewportRect area, OverlaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var gl = _gl;
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
        gl.Disable(EnableCap.Blend);
        gl.Disable(EnableCap.DepthTest);
        var fit = ContentRect(area.Width, area.Height, settings.Mode);
        var rect = fit.IsEmpty ? fit : fit with { X = area.X + fit.X, Y = area.Y + fit.Y };
        // Only the letterbox bars need clearing: when the content covers the whole area the
        // opaque quad writes every pixel, and a clear would cost a pass over the framebuffer
        // (a tenth of the frame on llvmpipe at 512×512). The scissor keeps the clear in the tile.
        if (rect.IsEmpty || rect.Width < area.Width || rect.Height < area.Height)
        {
            gl.Enable(EnableCap.ScissorTest);
            gl.Scissor(area.X, area.Y, (uint)area.Width, (uint)area.Height);
            gl.ClearColor(0, 0, 0, 1);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            gl.Disable(EnableCap.ScissorTest);
        }
        if (rect.IsEmpty) return rect;

        gl.Viewport(rect.X, rect.Y, (uint)rect.Width, (uint)rect.Height);
        var (gain, offset) = Level(settings.Window ?? DefaultWindow(_format), Scale(_format));
        // Smooth edges need the probabilities and a binary mask; the heat map reads the probabilities itself.
        bool smooth = settings.SmoothEdges && _hasProb && _binary && settings.Mode != OverlayMode.HeatMap;
        var program = _programs.For(settings.Mode, windowed: !IsFullRange(_format, gain, offset), smooth);
        program.Use();
        _image.Bind(TextureUnit.Texture0);
        int contentWidth = settings.Mode == OverlayMode.SideBySide ? ImageWidth * 2 : ImageWidth;
        bool oneToOne = rect.Width == contentWidth && rect.Height == ImageHeight;
        gl.BindSampler(0, oneToOne ? _nearest : _linear);
        _mask.Bind(TextureUnit.Texture1);
        _prob.Bind(TextureUnit.Texture2);
        FillPalette(settings, _nextPalette);
        if (!_nextPalette.AsSpan().SequenceEqual(_palette)) UploadPalette(_nextPalette);
        _paletteTexture.Bind(TextureUnit.Texture3);
        gl.Uniform2(program.Uniform("u_level"), gain, offset);   // −1 (ignored) in the full-range programs
        gl.Uniform1(program.Uniform("u_opacity"), settings.Opacity);
        gl.Uniform1(program.Uniform("u_hasProb"), _hasProb ? 1 : 0);
        gl.Uniform1(program.Uniform("u_threshold"), settings.Threshold);        // −1 (ignored) in the class-id programs
        gl.Uniform2(program.Uniform("u_pixel"), 1f / rect.Width, 1f / rect.Height);
        gl.BindVertexArray(_vao);
        gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
        gl.BindSampler(0, 0);   // later draws on unit 0 (the HUD) use their texture's own filtering
        Debug.Assert(gl.GetError() == GLEnum.NoError, "overlay draw raised a GL error");
        return rect;
    }

    public void Dispose()
    {
        _image.Dispose();
        _mask.Dispose();
        _prob.Dispose();
        _paletteTexture.Dispose();
        _gl.DeleteVertexArray(_vao);
        _gl.DeleteSampler(_nearest);
        _gl.DeleteSampler(_linear);
        if (_ownsPrograms) _programs.Dispose();
    }

    /// <summary>
    /// Per class id, premultiplied: rgb = colour × cover, a = 1 − cover, where cover is 0 for the
    /// background, hidden classes and ids past <see cref="OverlaySettings.MaxClasses"/>, 1 for
    /// contours and the opacity for fills. The shader then blends with one multiply-add.
    /// Ids from MaxClasses up keep the transparent texels set in the constructor.
    /// </summary>
    private static void FillPalette(OverlaySettings settings, byte[] texels)
    {
        float fill = settings.Mode == OverlayMode.Contour ? 1f : settings.Opacity;
        var colors = settings.ClassColors;
        for (int c = 0; c < OverlaySettings.MaxClasses; c++)
        {
            float cover = settings.IsClassVisible(c) ? fill : 0f;
            var color = colors[c] * cover;
            texels[c * 4] = Unorm8(color.X);
            texels[c * 4 + 1] = Unorm8(color.Y);
            texels[c * 4 + 2] = Unorm8(color.Z);
            texels[c * 4 + 3] = Unorm8(1f - cover);
        }
    }

    private static byte Unorm8(float v) => (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    private void UploadPalette(byte[] texels)
    {
        _paletteTexture.Upload(PaletteSize, 1, SizedInternalFormat.Rgba8, GlPixelFormat.Rgba, PixelType.UnsignedByte, texels);
        if (!ReferenceEquals(texels, _palette)) texels.CopyTo(_palette, 0);
    }

    private static uint SamplerWith(GL gl, TextureMinFilter filter)
    {
        uint sampler = gl.GenSampler();
        var mag = filter == TextureMinFilter.Nearest ? TextureMagFilter.Nearest : TextureMagFilter.Linear;
        gl.SamplerParameter(sampler, SamplerParameterI.MinFilter, (int)filter);
        gl.SamplerParameter(sampler, SamplerParameterI.MagFilter, (int)mag);
        gl.SamplerParameter(sampler, SamplerParameterI.WrapS, (int)TextureWrapMode.ClampToEdge);
        gl.SamplerParameter(sampler, SamplerParameterI.WrapT, (int)TextureWrapMode.ClampToEdge);
        return sampler;
    }

    /// <summary>
    /// True when the window maps the texels' own [0, 1] onto black..white, so the shader can show
    /// them as they are: unsigned normalised formats (8-bit grey and colour, 16-bit grey) through
    /// their full range. Signed and float texels can lie outside [0, 1] and always take the window.
    /// </summary>
    private static bool IsFullRange(CorePixelFormat format, float gain, float offset) =>
        format is CorePixelFormat.Gray8 or CorePixelFormat.Bgr24 or CorePixelFormat.Gray16
        && Math.Abs(gain - 1f) < 1e-6f && Math.Abs(offset) < 1e-6f;

    /// <summary>Raw range shown from black to white when no window is set.</summary>
    public static WindowLevel DefaultWindow(CorePixelFormat format) => format switch
    {
        CorePixelFormat.Gray16 => WindowLevel.FromRange(0, 65535),
        CorePixelFormat.Int16 => WindowLevel.FromRange(-32768, 32767),
        CorePixelFormat.Float32 => WindowLevel.FromRange(0, 1),
        _ => WindowLevel.FromRange(0, 255),
    };

    /// <summary>The window as one multiply-add on the normalised texel value (see overlay_common.glsl).</summary>
    private static (float Gain, float Offset) Level(WindowLevel window, float scale)
    {
        // A zero width would divide by zero; a hair of width gives a hard threshold instead.
        double width = Math.Max(window.Width, 1e-6);
        double low = window.Centre - width / 2;
        return ((float)(scale / width), (float)(-low / width));
    }

    /// <summary>Normalised texel value → raw pixel value (GL maps unsigned n-bit to /(2ⁿ−1), signed to /(2ⁿ⁻¹−1)).</summary>
    private static float Scale(CorePixelFormat format) => format switch
    {
        CorePixelFormat.Gray16 => 65535f,
        CorePixelFormat.Int16 => 32767f,
        CorePixelFormat.Float32 => 1f,
        _ => 255f,
    };

    private static (SizedInternalFormat, GlPixelFormat, PixelType) ImageLayout(CorePixelFormat format) => format switch
    {
        CorePixelFormat.Gray8 => (SizedInternalFormat.R8, GlPixelFormat.Red, PixelType.UnsignedByte),
        CorePixelFormat.Bgr24 => (SizedInternalFormat.Rgb8, GlPixelFormat.Bgr, PixelType.UnsignedByte),
        CorePixelFormat.Gray16 => (SizedInternalFormat.R16, GlPixelFormat.Red, PixelType.UnsignedShort),
        CorePixelFormat.Int16 => (SizedInternalFormat.R16SNorm, GlPixelFormat.Red, PixelType.Short),
        CorePixelFormat.Float32 => (SizedInternalFormat.R32f, GlPixelFormat.Red, PixelType.Float),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };
}
