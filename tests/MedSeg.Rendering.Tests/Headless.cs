using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using OpenCvSharp;

namespace MedSeg.Rendering.Tests;

/// <summary>Helpers shared by the headless GL tests: read-back and per-channel comparison.</summary>
public static class Headless
{
    /// <summary>The framebuffer as RGB bytes, top row first.</summary>
    public static byte[] ReadRgb(HeadlessRenderTarget target)
    {
        using var bgr = new Mat();
        FramebufferCapture.ReadBgr(target.Gl, target.Framebuffer, target.Width, target.Height, bgr);
        using var rgb = bgr.CvtColor(ColorConversionCodes.BGR2RGB);
        var bytes = new byte[target.Width * target.Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(rgb.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>Asserts every channel is within <paramref name="tolerance"/>; reports the first bad pixel.</summary>
    public static void AssertClose(byte[] expected, byte[] actual, int width, int tolerance = 2)
    {
        Assert.Equal(expected.Length, actual.Length);
        int bad = 0, first = -1, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - actual[i]);
            if (d <= tolerance) continue;
            if (bad++ == 0) first = i;
            worst = Math.Max(worst, d);
        }
        if (bad == 0) return;
        int pixel = first / 3;
        Assert.Fail($"{bad} channel values differ by more than {tolerance} (worst {worst}); first at x={pixel % width}, y={pixel / width}, " +
            $"channel {first % 3}: expected {expected[first]}, got {actual[first]}");
    }
}
