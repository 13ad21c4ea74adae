using MedSeg.Core.Frames;
using OpenCvSharp;

namespace MedSeg.Imaging.Formats.Tiff;

/// <summary>Maps OpenCV images to frame pixel formats without changing their depth (16-bit stays 16-bit).</summary>
public static class MatPixels
{
    /// <summary>The frame format of <paramref name="image"/> (BGRA counts as Bgr24: alpha is dropped), or null when none fits.</summary>
    public static PixelFormat? FormatOf(Mat image)
    {
        var t = image.Type();
        if (t == MatType.CV_8UC1) return PixelFormat.Gray8;
        if (t == MatType.CV_16UC1) return PixelFormat.Gray16;
        if (t == MatType.CV_16SC1) return PixelFormat.Int16;
        if (t == MatType.CV_32FC1) return PixelFormat.Float32;
        if (t == MatType.CV_8UC3 || t == MatType.CV_8UC4) return PixelFormat.Bgr24;
        return null;
    }

    /// <summary>The OpenCV type that holds <paramref name="format"/>'s pixels as they are (the inverse of <see cref="FormatOf"/>).</summary>
    public static MatType TypeOf(PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => MatType.CV_8UC1,
        PixelFormat.Gray16 => MatType.CV_16UC1,
        PixelFormat.Int16 => MatType.CV_16SC1,
        PixelFormat.Bgr24 => MatType.CV_8UC3,
        PixelFormat.Float32 => MatType.CV_32FC1,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    /// <summary>Describes the image for error messages: "64×48 CV_16UC3".</summary>
    public static string Describe(Mat image) => $"{image.Width}×{image.Height} {image.Type()}";

    /// <summary>Copies <paramref name="image"/> (of a format <see cref="FormatOf"/> accepts) into packed rows.</summary>
    public static void CopyTo(Mat image, Span<byte> destination)
    {
        if (image.Type() == MatType.CV_8UC4)
        {
            using var bgr = new Mat();
            Cv2.CvtColor(image, bgr, ColorConversionCodes.BGRA2BGR);
            CopyTo(bgr, destination);
            return;
        }
        int bytes = checked(image.Width * image.Height * (int)image.ElemSize());
        if (destination.Length < bytes) throw new ArgumentException("destination is smaller than the image", nameof(destination));
        if (image.IsContinuous())
        {
            image.AsSpan<byte>()[..bytes].CopyTo(destination);
            return;
        }
        // A ROI view has padded rows; a clone is packed (rare for decoded files, so the copy is fine).
        using var packed = image.Clone();
        packed.AsSpan<byte>()[..bytes].CopyTo(destination);
    }
}
