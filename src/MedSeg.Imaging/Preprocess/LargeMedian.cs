using OpenCvSharp;

namespace MedSeg.Imaging.Preprocess;

/// <summary>
/// Median filter for CV_32F images with an aperture above 5, where <see cref="Cv2.MedianBlur"/>
/// only accepts 8-bit input.
/// </summary>
/// <remarks>
/// Squeezing to 8 bits would throw away the range this pipeline promises to keep (16-bit, HU),
/// so this does the plain O(k²) gather-and-sort per pixel instead, with the same replicated
/// border as OpenCV. At 128 × 128 and k = 7 that is a few milliseconds.
/// </remarks>
internal static class LargeMedian
{
    /// <param name="window">Scratch of at least ksize² floats, owned by the caller so nothing is allocated per call.</param>
    public static void Apply(Mat src, Mat dst, int ksize, float[] window)
    {
        int rows = src.Rows, cols = src.Cols, channels = src.Channels();
        int half = ksize / 2, count = ksize * ksize;
        dst.Create(rows, cols, src.Type());
        ReadOnlySpan<float> input = src.AsSpan<float>();
        Span<float> output = dst.AsSpan<float>();
        Span<float> values = window.AsSpan(0, count);
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < cols; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    int k = 0;
                    for (int dy = -half; dy <= half; dy++)
                    {
                        int row = Math.Clamp(y + dy, 0, rows - 1) * cols;
                        for (int dx = -half; dx <= half; dx++)
                            values[k++] = input[(row + Math.Clamp(x + dx, 0, cols - 1)) * channels + c];
                    }
                    values.Sort();
                    output[(y * cols + x) * channels + c] = values[count / 2];
                }
            }
        }
    }
}
