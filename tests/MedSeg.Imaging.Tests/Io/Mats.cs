using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Io;

/// <summary>Small test images built in memory.</summary>
internal static class Mats
{
    public static Mat Filled(int width, int height, MatType type, Scalar value) => new(height, width, type, value);

    /// <summary>A CV_8UC1 mask of <paramref name="value"/> inside <paramref name="rect"/>, 0 elsewhere.</summary>
    public static Mat Rect(int width, int height, Rect rect, byte value = 255)
    {
        var m = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        using (Mat roi = m[rect])
        {
            roi.SetTo(Scalar.All(value));
        }

        return m;
    }

    public static int CountEqual(Mat m, byte value)
    {
        using Mat eq = m.Equals((double)value);
        return Cv2.CountNonZero(eq);
    }
}
