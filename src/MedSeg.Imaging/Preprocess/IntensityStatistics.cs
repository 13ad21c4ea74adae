using OpenCvSharp;

namespace MedSeg.Imaging.Preprocess;

/// <summary>
/// Fits the numbers behind <see cref="Normalization.DatasetStats"/>: nnU-Net's CT scheme of
/// clipping to the 0.5 / 99.5 percentiles of the training intensities, then z-scoring with the
/// mean and standard deviation of the clipped values.
/// </summary>
/// <remarks>
/// Values stay in the original range (e.g. HU for CV_16SC1). nnU-Net samples foreground voxels
/// only; with no masks at hand this samples whole images, so air and background count too.
/// Sampling is seeded, so the same images give the same statistics.
/// </remarks>
public static class IntensityStatistics
{
    private const double LowPercentile = 0.5;
    private const double HighPercentile = 99.5;

    /// <summary>
    /// Returns <paramref name="options"/> with DatasetLow / High / Mean / Std fitted; the caller picks
    /// <see cref="Normalization.DatasetStats"/> to use them.
    /// </summary>
    /// <param name="maxSamplesPerImage">Pixels drawn (with replacement) per image; smaller images give all of theirs.</param>
    /// <exception cref="ArgumentException">No image has any pixel.</exception>
    public static PreprocessOptions Fit(PreprocessOptions options, IEnumerable<Mat> images, int maxSamplesPerImage = 4096, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamplesPerImage, 1);
        var rng = new Random(seed);
        var samples = new List<float>();
        using var values = new Mat();
        foreach (var image in images)
        {
            if (image is null || image.Empty()) continue;
            // A fresh float copy is continuous even when the image is a ROI, and keeps 16-bit / HU values as they are.
            image.ConvertTo(values, MatType.MakeType(MatType.CV_32F, image.Channels()));
            ReadOnlySpan<float> pixels = values.AsSpan<float>();
            if (pixels.Length <= maxSamplesPerImage)
            {
                foreach (float v in pixels) samples.Add(v);
                continue;
            }
            for (int k = 0; k < maxSamplesPerImage; k++) samples.Add(pixels[rng.Next(pixels.Length)]);
        }
        if (samples.Count == 0) throw new ArgumentException("no pixels to fit: every image was empty", nameof(images));

        samples.Sort();
        double low = Percentile(samples, LowPercentile), high = Percentile(samples, HighPercentile);
        double sum = 0;
        foreach (float v in samples) sum += Math.Clamp(v, low, high);
        double mean = sum / samples.Count, sumSq = 0;
        foreach (float v in samples)
        {
            double d = Math.Clamp(v, low, high) - mean;
            sumSq += d * d;
        }
        double std = Math.Sqrt(sumSq / samples.Count);
        // Constant data has no spread; 1 keeps the options valid and maps every value to 0.
        if (!(std > 0)) std = 1;
        return options with { DatasetLow = low, DatasetHigh = high, DatasetMean = mean, DatasetStd = std };
    }

    /// <summary>Linear interpolation between closest ranks (NumPy's default), on sorted values.</summary>
    internal static double Percentile(List<float> sorted, double percent)
    {
        if (sorted.Count == 0) return double.NaN;
        double rank = percent / 100 * (sorted.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
