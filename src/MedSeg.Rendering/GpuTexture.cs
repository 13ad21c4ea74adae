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

    /// <summary>Writes the pixels (reallocating only on a size or format change).</summary>
    /// <remarks>Direct state access (GL 4.5): touches no texture unit binding, so uploads can come
    /// between a draw's texture binds in any order.</remarks>
    public unsafe void Upload(int width, int height, SizedInternalFormat format, PixelFormat pixelFormat, PixelType type, ReadOnlySpan<byte> data)
    {
        var gl = _gl;
        if (_handle == 0 || width != _width || height != _height || format != _format)
        {
            if (_handle != 0) gl.DeleteTexture(_handle);
            _handle = gl.CreateTexture(TextureTarget.Texture2D);
            gl.TextureStorage2D(_handle, 1, format, (uint)width, (uint)height);
            var mag = _filter == TextureMinFilter.Nearest ? TextureMagFilter.Nearest : TextureMagFilter.Linear;
            gl.TextureParameter(_handle, TextureParameterName.TextureMinFilter, (int)_filter);
            gl.TextureParameter(_handle, TextureParameterName.TextureMagFilter, (int)mag);
            gl.TextureParameter(_handle, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
            gl.TextureParameter(_handle, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
            if (IsSingleChannel(format))
            {
                // Read as grey (R, R, R, 1) so shaders treat every image as RGB, with no per-pixel
                // choice between .rrr and .rgb; the sampler does it for free.
                gl.TextureParameter(_handle, TextureParameterName.TextureSwizzleG, (int)GLEnum.Red);
                gl.TextureParameter(_handle, TextureParameterName.TextureSwizzleB, (int)GLEnum.Red);
            }
            (_width, _height, _format) = (width, height, format);
            Allocations++;
        }
        fixed (byte* pixels = data)
            gl.TextureSubImage2D(_handle, 0, 0, 0, (uint)width, (uint)height, pixelFormat, type, pixels);
    }

    private static bool IsSingleChannel(SizedInternalFormat format) => format is
        SizedInternalFormat.R8 or SizedInternalFormat.R16 or SizedInternalFormat.R16SNorm or SizedInternalFormat.R32f;

    public void Bind(TextureUnit unit) => _gl.BindTextureUnit((uint)(unit - TextureUnit.Texture0), _handle);

    public void Dispose()
    {
        if (_handle != 0) _gl.DeleteTexture(_handle);
        _handle = 0;
    }
}
