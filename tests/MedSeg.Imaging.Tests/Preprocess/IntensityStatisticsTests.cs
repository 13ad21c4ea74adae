using MedSeg.Imaging.Preprocess;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Preprocess;

public sealed class IntensityStatisticsTests
{
    [Fact]
    public void Fit_UniformHu_FindsPercentilesMeanAndStdInOriginalRange()
    {
        var images = Enumerable.Range(0, 4).Select(i => Uniform(-1000, 1000, seed: i)).ToList();

        var fitted = IntensityStatistics.Fit(new PreprocessOptions(), images, maxSamplesPerImage: 20000, seed: 1);

        Assert.InRange(fitted.DatasetLow, -1000, -980);
        Assert.InRange(fitted.DatasetHigh, 980, 1000);
        Assert.InRange(fitted.DatasetMean, -20, 20);
        Assert.InRange(fitted.DatasetStd, 560, 590); // 2000 / √12 ≈ 577
        images.ForEach(m => m.Dispose());
    }

    [Fact]
    public void Fit_RareOutliers_AreClippedAway()
    {
        using var image = Uniform(0, 200, seed: 3);
        for (int i = 0; i < 20; i++) image.Set(i, 0, (short)30000); // 20 of 10 000 pixels: 0.2 %

        var fitted = IntensityStatistics.Fit(new PreprocessOptions(), [image], maxSamplesPerImage: 100_000);

        Assert.InRange(fitted.DatasetHigh, 190, 200);
        Assert.InRange(fitted.DatasetMean, 90, 110);
    }

    [Fact]
    public void Fit_SameSeed_SameResult_AndKeepsOtherOptions()
    {
        using var image = Uniform(-500, 1500, seed: 7);
        var options = new PreprocessOptions { Width = 96, Height = 64, Normalization = Normalization.DatasetStats };

        var a = IntensityStatistics.Fit(options, [image], maxSamplesPerImage: 500, seed: 4);
        var b = IntensityStatistics.Fit(options, [image], maxSamplesPerImage: 500, seed: 4);

        Assert.Equal(a, b);
        Assert.Equal(96, a.Width);
        Assert.Equal(64, a.Height);
        a.Validate();
    }

    [Fact]
    public void Fit_ConstantImage_GivesUsableStd()
    {
        using var image = new Mat(10, 10, MatType.CV_16UC1, Scalar.All(40000));

        var fitted = IntensityStatistics.Fit(new PreprocessOptions { Normalization = Normalization.DatasetStats }, [image]);

        Assert.Equal(40000, fitted.DatasetLow);
        Assert.Equal(40000, fitted.DatasetHigh);
        Assert.Equal(1, fitted.DatasetStd);
        fitted.Validate();
    }

    [Fact]
    public void Fit_NoPixels_Throws()
    {
        using var empty = new Mat();

        Assert.Throws<ArgumentException>(() => IntensityStatistics.Fit(new PreprocessOptions(), [empty]));
        Assert.Throws<ArgumentException>(() => IntensityStatistics.Fit(new PreprocessOptions(), []));
    }

    private static Mat Uniform(int low, int high, int seed)
    {
        var rng = new Random(seed);
        var image = new Mat(100, 100, MatType.CV_16SC1);
        Span<short> pixels = image.AsSpan<short>();
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (short)rng.Next(low, high + 1);
        return image;
    }
}
