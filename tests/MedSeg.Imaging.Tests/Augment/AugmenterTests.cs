using MedSeg.Imaging.Augment;

namespace MedSeg.Imaging.Tests.Augment;

public sealed class AugmenterTests
{
    private static readonly AugmentOptions s_nothing = new()
    {
        HorizontalFlip = 0, VerticalFlip = 0, RotateDegrees = 0, Scale = 0, Shift = 0, Brightness = 0, Contrast = 0,
    };

    [Fact]
    public void Apply_HorizontalFlipOnly_MirrorsExactly()
    {
        const int channels = 2, height = 5, width = 7;
        var (image, mask) = RandomSample(channels, height, width, seed: 1);
        var (expectedImage, expectedMask) = (image.ToArray(), mask.ToArray());
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    expectedImage[(c * height + y) * width + x] = image[(c * height + y) * width + (width - 1 - x)];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                expectedMask[y * width + x] = mask[y * width + (width - 1 - x)];
        using var augmenter = new Augmenter(s_nothing with { HorizontalFlip = 1 });

        augmenter.Apply(image, mask, channels, height, width, new Random(3));

        Assert.Equal(expectedImage, image);
        Assert.Equal(expectedMask, mask);
    }

    [Fact]
    public void Apply_VerticalFlipOnly_FlipsRowsExactly()
    {
        const int height = 6, width = 4;
        var (image, mask) = RandomSample(1, height, width, seed: 2);
        var (original, originalMask) = (image.ToArray(), mask.ToArray());
        using var augmenter = new Augmenter(s_nothing with { VerticalFlip = 1 });

        augmenter.Apply(image, mask, 1, height, width, new Random(3));

        for (int y = 0; y < height; y++)
        {
            Assert.Equal(original.AsSpan((height - 1 - y) * width, width), image.AsSpan(y * width, width));
            Assert.Equal(originalMask.AsSpan((height - 1 - y) * width, width), mask.AsSpan(y * width, width));
        }
    }

    [Fact]
    public void Apply_Disabled_ChangesNothingAndDrawsNothing()
    {
        var (image, mask) = RandomSample(3, 16, 16, seed: 4);
        var (original, originalMask) = (image.ToArray(), mask.ToArray());
        var rng = new Random(9);
        using var augmenter = new Augmenter(AugmentOptions.None);

        augmenter.Apply(image, mask, 3, 16, 16, rng);

        Assert.Equal(original, image);
        Assert.Equal(originalMask, mask);
        Assert.Equal(new Random(9).Next(), rng.Next());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Apply_RandomAffine_KeepsImageAndMaskAligned(int seed)
    {
        const int size = 64;
        var image = new float[size * size];
        var mask = new byte[size * size];
        for (int y = 20; y < 40; y++)
            for (int x = 22; x < 46; x++) { image[y * size + x] = 1f; mask[y * size + x] = 1; }
        using var augmenter = new Augmenter(new AugmentOptions
        {
            HorizontalFlip = 0.5, VerticalFlip = 0.5, RotateDegrees = 40, Scale = 0.25, Shift = 0.1, Brightness = 0, Contrast = 0,
        });

        augmenter.Apply(image, mask, 1, size, size, new Random(seed));

        double inside = 0, outside = 0;
        int nInside = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 1) { inside += image[i]; nInside++; }
            else outside += image[i];
        }
        Assert.InRange(nInside, 200, 800); // the square (480 px) survived, scaled by at most ±25 %
        Assert.True(inside / nInside > 0.9, $"mean image value inside the mask {inside / nInside:F2}");
        Assert.True(outside / (mask.Length - nInside) < 0.05);
    }

    [Fact]
    public void Apply_RandomAffine_MaskKeepsItsIds()
    {
        var (image, mask) = RandomSample(1, 32, 32, seed: 6);
        using var augmenter = new Augmenter(new AugmentOptions { RotateDegrees = 30, Scale = 0.2 });

        augmenter.Apply(image, mask, 1, 32, 32, new Random(1));

        Assert.All(mask, id => Assert.True(id <= 3));
    }

    [Fact]
    public void Apply_BrightnessOnly_ShiftsImageUniformlyAndLeavesMask()
    {
        var (image, mask) = RandomSample(2, 8, 8, seed: 7);
        var (original, originalMask) = (image.ToArray(), mask.ToArray());
        using var augmenter = new Augmenter(s_nothing with { Brightness = 0.5 });

        augmenter.Apply(image, mask, 2, 8, 8, new Random(11));

        float delta = image[0] - original[0];
        Assert.NotEqual(0f, delta);
        for (int i = 0; i < image.Length; i++) Assert.Equal(original[i] + delta, image[i], 5);
        Assert.Equal(originalMask, mask);
    }

    [Fact]
    public void Apply_ContrastOnly_KeepsMean()
    {
        var (image, mask) = RandomSample(1, 16, 16, seed: 8);
        double before = image.Average(v => (double)v);
        using var augmenter = new Augmenter(s_nothing with { Contrast = 0.5 });

        augmenter.Apply(image, mask, 1, 16, 16, new Random(12));

        Assert.Equal(before, image.Average(v => (double)v), 4);
    }

    [Fact]
    public void Apply_SameSeed_SameResult()
    {
        var (a, maskA) = RandomSample(3, 24, 24, seed: 5);
        var (b, maskB) = (a.ToArray(), maskA.ToArray());
        using var augmenter = new Augmenter(new AugmentOptions());

        augmenter.Apply(a, maskA, 3, 24, 24, new Random(42));
        augmenter.Apply(b, maskB, 3, 24, 24, new Random(42));

        Assert.Equal(a, b);
        Assert.Equal(maskA, maskB);
    }

    [Fact]
    public void Apply_WrongLengths_Throw()
    {
        using var augmenter = new Augmenter(new AugmentOptions());

        Assert.Throws<ArgumentException>(() => augmenter.Apply(new float[63], new byte[64], 1, 8, 8, new Random()));
        Assert.Throws<ArgumentException>(() => augmenter.Apply(new float[64], new byte[65], 1, 8, 8, new Random()));
    }

    private static (float[] Image, byte[] Mask) RandomSample(int channels, int height, int width, int seed)
    {
        var rng = new Random(seed);
        var image = new float[channels * height * width];
        var mask = new byte[height * width];
        for (int i = 0; i < image.Length; i++) image[i] = (float)rng.NextDouble();
        for (int i = 0; i < mask.Length; i++) mask[i] = (byte)rng.Next(4);
        return (image, mask);
    }
}
