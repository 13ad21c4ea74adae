using Silk.NET.OpenGL;

namespace MedSeg.Rendering;

/// <summary>A 2D texture that keeps its storage while size and format stay the same, so per-frame uploads are sub-image copies.</summary>
/// <remarks>GL thread only. Storage is immutable (glTexStorage2D): a size or format change replaces the texture object.</remarks>
internal sealed class GpuTexture : IDisposable
{
    private readonly GL _gl;
    private readonly TextureMinFilter _filter;
    private uint _handle;
    private int _width, _height;
    private SizedInternalFormat _format;

    public GpuTexture(GL gl, TextureMinFilter filter) => (_gl, _filter) = (gl, filter);

    /// <summary>Texture object re-creations (size / format changes); a steady stream keeps this at 1.</summary>
    public int Allocations { get; private set; }

    public unsafe void Upload(int width, int height, SizedInternalFormat format, PixelFormat pixelFormat, PixelType type, ReadOnlySpan<byte> data)
    {
        var gl = _gl;
        if (_handle == 0 || width != _width || height != _height || format != _format)
        {
            if (_handle != 0) gl.DeleteTexture(_handle);
            _handle = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, _handle);
            gl.TexStorage2D(TextureTarget.Texture2D, 1, format, (uint)width, (uint)height);
            var mag = _filter == TextureMinFilter.Nearest ? TextureMagFilter.Nearest : TextureMagFilter.Linear;
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)_filter);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)mag);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
            if (IsSingleChannel(format))
            {
                // Read as grey (R, R, R, 1) so shaders treat every image as RGB, with no per-pixel
                // choice between .rrr and .rgb; the sampler does it for free.
                gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureSwizzleG, (int)GLEnum.Red);
                gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureSwizzleB, (int)GLEnum.Red);
            }
            (_width, _height, _format) = (width, height, format);
            Allocations++;
        }
        else
        {
            gl.BindTexture(TextureTarget.Texture2D, _handle);
        }
        fixed (byte* pixels = data)
            gl.TexSubImage2D(TextureTarget.Texture2D, 0, 0, 0, (uint)width, (uint)height, pixelFormat, type, pixels);
    }

    private static bool IsSingleChannel(SizedInternalFormat format) => format is
        SizedInternalFormat.R8 or SizedInternalFormat.R16 or SizedInternalFormat.R16SNorm or SizedInternalFormat.R32f;

    public void Bind(TextureUnit unit)
    {
        _gl.ActiveTexture(unit);
        _gl.BindTexture(TextureTarget.Texture2D, _handle);
    }

    public void Dispose()
    {
        if (_handle != 0) _gl.DeleteTexture(_handle);
        _handle = 0;
    }
}
