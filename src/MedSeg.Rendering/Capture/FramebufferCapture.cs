using OpenCvSharp;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Capture;

/// <summary>Reads a framebuffer back into an OpenCV BGR image, top row first (PNG snapshots, video, screenshots, tests).</summary>
/// <remarks>GL thread only. glReadPixels waits for the GPU to finish the frame, so call it once per frame at most.</remarks>
public static class FramebufferCapture
{
    /// <summary>Reads <paramref name="width"/> × <paramref name="height"/> pixels of <paramref name="framebuffer"/> into <paramref name="bgr"/>.</summary>
    /// <param name="bgr">Reused when it is already CV_8UC3 of that size (no allocation per frame); otherwise (re)created.</param>
    public static unsafe void ReadBgr(GL gl, uint framebuffer, int width, int height, Mat bgr)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (bgr.Rows != height || bgr.Cols != width || bgr.Type() != MatType.CV_8UC3 || !bgr.IsContinuous())
            bgr.Create(height, width, MatType.CV_8UC3);
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, framebuffer);
        if (framebuffer == 0) gl.ReadBuffer(ReadBufferMode.Back);
        // Rows of 3-byte pixels are packed in the Mat; GL's default would pad them to 4 bytes.
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Bgr, PixelType.UnsignedByte, (void*)bgr.Data);
        // GL's row 0 is the bottom of the picture; images are stored top row first.
        Cv2.Flip(bgr, bgr, FlipMode.X);
    }

    /// <summary>Reads the framebuffer and writes it as a PNG; returns the path.</summary>
    public static string SavePng(GL gl, uint framebuffer, int width, int height, string path)
    {
        using var bgr = new Mat();
        ReadBgr(gl, framebuffer, width, height, bgr);
        PngFile.Write(bgr, path);
        return path;
    }
}
