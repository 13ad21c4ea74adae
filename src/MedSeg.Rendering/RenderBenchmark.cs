using System.Diagnostics;
using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Shaders;
using OpenCvSharp;
using Silk.NET.OpenGL;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;

namespace MedSeg.Rendering;

/// <summary>
/// Headless throughput of the overlay path: upload an image + class mask, draw the filled overlay,
/// optionally read the framebuffer back (what PNG / video capture costs), and wait for the GPU
/// each frame. The image is 8-bit grey shown over its full range (live ultrasound / X-ray), or
/// 16-bit signed Hounsfield units through the soft-tissue window (CT), which takes the shader's
/// window/level path.
/// </summary>
/// <remarks>
/// Waiting every frame (glFinish, or the read-back itself) measures frames actually finished,
/// not commands queued. The image changes every frame so no driver can skip the upload.
/// Runs on the calling thread, which becomes a GL thread for the duration.
/// </remarks>
public static class RenderBenchmark
{
    /// <returns>Frames per second over <paramref name="frames"/> frames after a short warm-up (median of five slices).</returns>
    /// <exception cref="GraphicsUnavailableException">No headless GL here.</exception>
    public static double Run(int width = 512, int height = 512, int frames = 2000, bool readBack = false, bool ct = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        using var target = HeadlessRenderTarget.Create(width, height);
        using var renderer = new OverlayRenderer(target.Gl);
        using var capture = new Mat();
        var settings = new OverlaySettings();
        var grey = new byte[width * height];
        var labels = new byte[width * height];
        FillScene(grey, labels, width, height);
        byte[] image = grey;
        var format = CorePixelFormat.Gray8;
        if (ct)
        {
            // The same scene as −1000..1000 HU (air to bone), little-endian Int16.
            var hu = grey.Select(static g => (short)(g * 2000 / 255 - 1000)).ToArray();
            image = System.Runtime.InteropServices.MemoryMarshal.AsBytes(hu.AsSpan()).ToArray();
            format = CorePixelFormat.Int16;
            settings.Window = WindowLevel.SoftTissue;
        }
        var gl = target.Gl;

        void Frame(int i)
        {
            image[i % image.Length] ^= 0xFF;
            renderer.Upload(new RenderFrame(image, width, height, format, labels, width, height), probabilities: false);
            renderer.Draw(target.Framebuffer, width, height, settings);
            if (readBack) FramebufferCapture.ReadBgr(gl, target.Framebuffer, width, height, capture);
            else gl.Finish();
        }

        return Time(frames, Frame);
    }

    /// <summary>
    /// The yardstick: the same image upload and a full-frame draw with a shader that only passes
    /// one texture through (shaders/bench_bare.frag), each frame finished. What the overlay's extra
    /// texture, palette and window/level cost is the gap between the two.
    /// </summary>
    /// <returns>Frames per second over <paramref name="frames"/> frames after a short warm-up (median of five slices).</returns>
    /// <exception cref="GraphicsUnavailableException">No headless GL here.</exception>
    public static double RunBare(int width = 512, int height = 512, int frames = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        using var target = HeadlessRenderTarget.Create(width, height);
        var gl = target.Gl;
        using var program = ShaderProgram.Load(gl, ShaderProgram.DefaultDirectory, "fullscreen.vert", "bench_bare.frag");
        using var texture = new GpuTexture(gl, TextureMinFilter.Nearest);
        uint vao = gl.GenVertexArray();
        var image = new byte[width * height];
        FillScene(image, new byte[width * height], width, height);
        gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        program.Use();
        gl.Uniform1(program.Uniform("u_image"), 0);

        void Frame(int i)
        {
            image[i % image.Length] ^= 0xFF;
            texture.Upload(width, height, SizedInternalFormat.R8, PixelFormat.Red, PixelType.UnsignedByte, image);
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, target.Framebuffer);
            gl.Viewport(0, 0, (uint)width, (uint)height);
            program.Use();
            texture.Bind(TextureUnit.Texture0);
            gl.BindVertexArray(vao);
            gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
            gl.Finish();
        }

        try
        {
            return Time(frames, Frame);
        }
        finally
        {
            gl.DeleteVertexArray(vao);
        }
    }

    /// <summary>
    /// Frames/s as the median over five equal slices of the run: a stall of this shared VM (another
    /// guest, a page-cache flush) lands in one slice and moves the median far less than the mean.
    /// </summary>
    private static double Time(int frames, Action<int> frame)
    {
        for (int i = 0; i < Math.Min(50, frames); i++) frame(i);
        int slices = Math.Min(5, frames);   // every slice gets at least one frame
        var rates = new double[slices];
        for (int k = 0, done = 0; k < slices; k++)
        {
            int n = (frames - done) / (slices - k);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) frame(done + i);
            rates[k] = n / Stopwatch.GetElapsedTime(start).TotalSeconds;
            done += n;
        }
        Array.Sort(rates);
        return rates[slices / 2];
    }

    private static void FillScene(byte[] image, byte[] labels, int width, int height)
    {
        // A gradient with two discs: enough structure that every shader branch runs.
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = y * width + x;
            image[i] = (byte)((x + y) * 255 / (width + height));
            double d1 = Math.Sqrt(Math.Pow(x - width * 0.35, 2) + Math.Pow(y - height * 0.4, 2)) / (width * 0.15);
            double d2 = Math.Sqrt(Math.Pow(x - width * 0.7, 2) + Math.Pow(y - height * 0.65, 2)) / (width * 0.1);
            labels[i] = d1 < 1 ? (byte)1 : d2 < 1 ? (byte)2 : (byte)0;
        }
    }
}
