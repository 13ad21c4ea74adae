using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Phantoms;

/// <summary>Small measurements on CV_8UC1 masks shared by the phantom tests.</summary>
internal static class MaskGeometry
{
    public static (double X, double Y) Centroid(Mat mask)
    {
        var m = Cv2.Moments(mask, binaryImage: true);
        Assert.True(m.M00 > 0, "mask is empty");
        return (m.M10 / m.M00, m.M01 / m.M00);
    }

    /// <summary>Mean image value inside the mask and in a band just outside it.</summary>
    public static (double Inside, double Around) InsideVersusAround(Mat image, Mat mask, int band = 7)
    {
        using var kernel = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(band, band));
        using var dilated = new Mat();
        Cv2.Dilate(mask, dilated, kernel);
        using var ring = new Mat();
        Cv2.Subtract(dilated, mask, ring);
        return (Cv2.Mean(image, mask).Val0, Cv2.Mean(image, ring).Val0);
    }

    public static byte[] Bytes(Mat mat)
    {
        Assert.True(mat.IsContinuous());
        return mat.AsSpan<byte>().ToArray();
    }
}
