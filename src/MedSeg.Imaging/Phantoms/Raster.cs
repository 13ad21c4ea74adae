using OpenCvSharp;

namespace MedSeg.Imaging.Phantoms;

/// <summary>Moves phantom fields (row-major, size × size, intensities 0–1) in and out of OpenCV.</summary>
internal static class Raster
{
    /// <summary>0–1 floats to CV_8UC1, clamped and rounded.</summary>
    public static Mat ToImage(ReadOnlySpan<float> field, int size)
    {
        var mat = new Mat(size, size, MatType.CV_8UC1);
        Span<byte> pixels = mat.AsSpan<byte>();
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)Math.Clamp((int)MathF.Round(field[i] * 255f), 0, 255);
        return mat;
    }

    public static Mat ToMask(ReadOnlySpan<byte> ids, int size)
    {
        var mat = new Mat(size, size, MatType.CV_8UC1);
        ids.CopyTo(mat.AsSpan<byte>());
        return mat;
    }

    /// <summary>Gaussian blur in place (border reflect), sigma in pixels.</summary>
    public static void Blur(Span<float> field, int size, double sigma)
    {
        if (sigma <= 0) return;
        using var mat = new Mat(size, size, MatType.CV_32FC1);
        field.CopyTo(mat.AsSpan<float>());
        Cv2.GaussianBlur(mat, mat, new Size(0, 0), sigma, sigma, BorderTypes.Reflect101);
        mat.AsSpan<float>().CopyTo(field);
    }

    /// <summary>White Gaussian noise blurred to a smooth field, rescaled to zero mean and unit standard deviation.</summary>
    public static float[] SmoothNoise(int size, double sigma, Random rng)
    {
        var field = new float[size * size];
        for (int i = 0; i < field.Length; i++) field[i] = (float)rng.Gaussian();
        Blur(field, size, sigma);
        double mean = 0, sq = 0;
        foreach (float v in field) { mean += v; sq += v * v; }
        mean /= field.Length;
        double std = Math.Sqrt(Math.Max(sq / field.Length - mean * mean, 1e-12));
        for (int i = 0; i < field.Length; i++) field[i] = (float)((field[i] - mean) / std);
        return field;
    }
}
