using MedSeg.Imaging.Preprocess;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Preprocess;

public sealed class PreprocessorTests
{
    [Fact]
    public void Image_SixteenBitAbove255_SurvivesWindow()
    {
        using var image = HalfAndHalf(MatType.CV_16UC1, 1000, 3000);
        using var pre = new Preprocessor(new PreprocessOptions
        {
            Width = 8, Height = 8, Normalization = Normalization.Window, WindowLow = 0, WindowHigh = 4000,
        });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal(0.25f, chw[0]);
        Assert.Equal(0.75f, chw[7]);
        Assert.Equal(32, chw.Count(v => v == 0.25f));
        Assert.Equal(32, chw.Count(v => v == 0.75f));
    }

    [Fact]
    public void Image_SixteenBitUnitRange_UsesPerImageMinMax()
    {
        using var image = HalfAndHalf(MatType.CV_16UC1, 1000, 3000);
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal(0f, chw[0]);
        Assert.Equal(1f, chw[7]);
    }

    [Fact]
    public void Image_CtNegativeHu_WindowMapsAndClips()
    {
        using var image = new Mat(8, 8, MatType.CV_16SC1, Scalar.All(0));
        image.Set(0, 0, (short)-1000);
        image.Set(0, 1, (short)-2000);
        image.Set(0, 2, (short)500);
        image.Set(0, 3, (short)3000);
        using var pre = new Preprocessor(new PreprocessOptions
        {
            Width = 8, Height = 8, Normalization = Normalization.Window, WindowLow = -1000, WindowHigh = 1000,
        });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal([0f, 0f, 0.75f, 1f, 0.5f], chw[..5]);
    }

    [Fact]
    public void Image_EightBitUnitRange_DividesBy255()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC1, Scalar.All(51));
        image.Set(2, 2, (byte)255);
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal(0.2f, chw[0], 6);
        Assert.Equal(1f, chw[2 * 8 + 2]);
    }

    [Fact]
    public void Image_ZScore_GivesZeroMeanUnitStd()
    {
        using var image = new Mat(64, 48, MatType.CV_16UC1);
        Cv2.Randu(image, Scalar.All(100), Scalar.All(5000));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 32, Height = 32, Normalization = Normalization.ZScore });
        var chw = new float[32 * 32];

        pre.Image(image, chw);

        double mean = chw.Average(v => (double)v);
        double std = Math.Sqrt(chw.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0, mean, 4);
        Assert.Equal(1, std, 4);
    }

    [Fact]
    public void Image_ZScoreNonZero_StandardisesTheTissueAndKeepsZerosAtZero()
    {
        // Left half zero (outside a skull-stripped brain), right half tissue at 1000 and 3000.
        using var image = new Mat(8, 8, MatType.CV_16UC1, Scalar.All(0));
        image[new Rect(4, 0, 4, 4)].SetTo(Scalar.All(1000));
        image[new Rect(4, 4, 4, 4)].SetTo(Scalar.All(3000));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Normalization = Normalization.ZScoreNonZero });
        var chw = new float[64];

        pre.Image(image, chw);

        // Tissue mean 2000, sd 1000 → −1 and +1; the zeros are left out of the statistics and stay 0.
        Assert.Equal(-1f, chw[0 * 8 + 5], 5);
        Assert.Equal(1f, chw[6 * 8 + 5], 5);
        Assert.All(Enumerable.Range(0, 8).SelectMany(y => Enumerable.Range(0, 4).Select(x => chw[y * 8 + x])), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(Normalization.ZScore)]
    [InlineData(Normalization.ZScoreNonZero)]
    [InlineData(Normalization.UnitRange)]
    public void Image_ConstantFloatImage_GivesZeros(Normalization normalization)
    {
        using var image = new Mat(16, 16, MatType.CV_32FC1, Scalar.All(123.4));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Normalization = normalization });
        var chw = Enumerable.Repeat(float.NaN, 64).ToArray();

        pre.Image(image, chw);

        Assert.All(chw, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Image_DatasetStats_ClipsThenStandardises()
    {
        using var image = new Mat(8, 8, MatType.CV_16SC1, Scalar.All(0));
        image.Set(0, 0, (short)-3000);
        image.Set(0, 1, (short)3000);
        image.Set(0, 2, (short)200);
        using var pre = new Preprocessor(new PreprocessOptions
        {
            Width = 8, Height = 8, Normalization = Normalization.DatasetStats,
            DatasetLow = -1000, DatasetHigh = 1000, DatasetMean = 100, DatasetStd = 50,
        });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal([-22f, 18f, 2f, -2f], chw[..4]);
    }

    [Fact]
    public void Image_Hsv_WritesHueSaturationValuePlanesInOrder()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC3, new Scalar(255, 0, 0)); // pure blue in BGR
        image.Set(0, 1, new Vec3b(0, 0, 255));                                    // pure red
        image.Set(0, 2, new Vec3b(128, 128, 128));                                // grey: no saturation
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Color = ColorMode.Hsv });
        var chw = new float[3 * 64];

        pre.Image(image, chw);

        Assert.Equal(120f / 180f, chw[0], 6);      // H of blue
        Assert.Equal(1f, chw[64 + 0], 6);           // S of blue
        Assert.Equal(1f, chw[128 + 0], 6);          // V of blue
        Assert.Equal(0f, chw[1]);                   // H of red
        Assert.Equal(0f, chw[64 + 2]);              // S of grey
        Assert.Equal(128f / 255f, chw[128 + 2], 6); // V of grey
    }

    [Theory]
    [InlineData(2)]   // CV_16U
    [InlineData(3)]   // CV_16S
    [InlineData(5)]   // CV_32F
    public void Image_HsvOnNonEightBit_Throws(int depth)
    {
        using var image = new Mat(8, 8, MatType.MakeType(depth, 1), Scalar.All(1));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Color = ColorMode.Hsv });

        Assert.Throws<ArgumentException>(() => pre.Image(image, new float[3 * 64]));
    }

    [Fact]
    public void Image_RgbFromBgr_ReversesChannels()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC3, new Scalar(10, 20, 30));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Color = ColorMode.Rgb });
        var chw = new float[3 * 64];

        pre.Image(image, chw);

        Assert.Equal(30f / 255f, chw[0], 6);
        Assert.Equal(20f / 255f, chw[64], 6);
        Assert.Equal(10f / 255f, chw[128], 6);
    }

    [Fact]
    public void Image_RgbFromSixteenBitGray_RepeatsChannel()
    {
        using var image = HalfAndHalf(MatType.CV_16UC1, 1000, 3000);
        using var pre = new Preprocessor(new PreprocessOptions
        {
            Width = 8, Height = 8, Color = ColorMode.Rgb, Normalization = Normalization.Window, WindowLow = 0, WindowHigh = 4000,
        });
        var chw = new float[3 * 64];

        pre.Image(image, chw);

        Assert.Equal(chw[..64], chw[64..128]);
        Assert.Equal(chw[..64], chw[128..]);
        Assert.Equal(0.75f, chw[7]);
    }

    [Fact]
    public void Image_GrayFromBgr_UsesLuma()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC3, new Scalar(0, 0, 255)); // red
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });
        var chw = new float[64];

        pre.Image(image, chw);

        Assert.Equal(0.299f, chw[0], 3);
    }

    [Fact]
    public void Image_Shrinking_AveragesArea()
    {
        // Columns 255, 0, 0 repeating: area averaging gives 1/3; point sampling would give 0 or 1.
        using var image = new Mat(96, 96, MatType.CV_8UC1, Scalar.All(0));
        var px = image.AsSpan<byte>();
        for (int i = 0; i < px.Length; i += 3) px[i] = 255;   // 96 is a multiple of 3: every row starts at column 0
        using var pre = new Preprocessor(new PreprocessOptions { Width = 32, Height = 32 });
        var chw = new float[32 * 32];

        pre.Image(image, chw);

        Assert.All(chw, v => Assert.Equal(1f / 3f, v, 5));
    }

    [Fact]
    public void Image_Growing_InterpolatesLinearly()
    {
        using var image = HalfAndHalf(MatType.CV_8UC1, 0, 255);
        using var pre = new Preprocessor(new PreprocessOptions { Width = 16, Height = 16 });
        var chw = new float[256];

        pre.Image(image, chw);

        Assert.Equal(0f, chw[0]);
        Assert.Equal(1f, chw[15]);
        Assert.Contains(chw[..16], v => v > 0.1f && v < 0.9f); // a ramp, not a step
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void Image_MedianBlur_MatchesOpenCvOnEightBit(int ksize)
    {
        using var image = new Mat(32, 32, MatType.CV_8UC1);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(256));
        using var expected = new Mat();
        Cv2.MedianBlur(image, expected, ksize);
        using var pre = new Preprocessor(new PreprocessOptions { Width = 32, Height = 32, MedianBlur = ksize });
        var chw = new float[32 * 32];

        pre.Image(image, chw);

        byte[] reference = expected.AsSpan<byte>().ToArray();
        for (int i = 0; i < chw.Length; i++) Assert.Equal(reference[i] / 255f, chw[i]);
    }

    [Fact]
    public void Image_RoiAndRepeatedCalls_GiveSameResult()
    {
        using var big = new Mat(40, 40, MatType.CV_16UC1);
        Cv2.Randu(big, Scalar.All(0), Scalar.All(60000));
        using var roi = new Mat(big, new Rect(5, 7, 20, 20));
        using var copy = roi.Clone();
        using var pre = new Preprocessor(new PreprocessOptions { Width = 16, Height = 16, MedianBlur = 3 });
        var fromRoi = new float[256];
        var fromCopy = new float[256];
        var other = new float[256];

        pre.Image(roi, fromRoi);
        pre.Image(big, other);
        pre.Image(copy, fromCopy);

        Assert.Equal(fromRoi, fromCopy);
        Assert.NotEqual(fromRoi, other);
    }

    [Fact]
    public void Image_WrongOutputLength_Throws()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC1, Scalar.All(1));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8, Color = ColorMode.Rgb });

        Assert.Throws<ArgumentException>(() => pre.Image(image, new float[64]));
        Assert.Throws<ArgumentException>(() => pre.Image(image, new float[3 * 64 + 1]));
    }

    [Fact]
    public void Image_UnsupportedType_Throws()
    {
        using var rgba = new Mat(8, 8, MatType.CV_8UC4, Scalar.All(1));
        using var floatColor = new Mat(8, 8, MatType.CV_32FC3, Scalar.All(1));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });

        Assert.Throws<ArgumentException>(() => pre.Image(rgba, new float[64]));
        Assert.Throws<ArgumentException>(() => pre.Image(floatColor, new float[64]));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(new PreprocessOptions { Width = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(new PreprocessOptions { MedianBlur = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(new PreprocessOptions
        {
            Normalization = Normalization.DatasetStats, DatasetLow = 5, DatasetHigh = 1,
        }));
    }

    [Fact]
    public void Mask_Resize_StaysWithinIds()
    {
        using var mask = new Mat(100, 90, MatType.CV_8UC1, Scalar.All(0));
        mask[new Rect(10, 10, 30, 40)].SetTo(Scalar.All(1));
        mask[new Rect(35, 30, 40, 50)].SetTo(Scalar.All(2));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 128, Height = 64 });
        var ids = new byte[128 * 64];

        pre.Mask(mask, ids);

        Assert.Equal(new byte[] { 0, 1, 2 }, ids.Distinct().Order().ToArray());
    }

    [Fact]
    public void Mask_Shrink_KeepsRegionsAligned()
    {
        using var mask = new Mat(64, 64, MatType.CV_8UC1, Scalar.All(0));
        mask[new Rect(0, 0, 32, 64)].SetTo(Scalar.All(1));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 32, Height = 32 });
        var ids = new byte[32 * 32];

        pre.Mask(mask, ids);

        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                Assert.Equal(x < 16 ? 1 : 0, ids[y * 32 + x]);
    }

    [Fact]
    public void Mask_WrongLengthOrType_Throws()
    {
        using var mask = new Mat(8, 8, MatType.CV_8UC1, Scalar.All(0));
        using var wide = new Mat(8, 8, MatType.CV_16UC1, Scalar.All(0));
        using var pre = new Preprocessor(new PreprocessOptions { Width = 8, Height = 8 });

        Assert.Throws<ArgumentException>(() => pre.Mask(mask, new byte[63]));
        Assert.Throws<ArgumentException>(() => pre.Mask(wide, new byte[64]));
    }

    /// <summary>8 × 8, left four columns <paramref name="left"/>, right four <paramref name="right"/>.</summary>
    private static Mat HalfAndHalf(MatType type, double left, double right)
    {
        var image = new Mat(8, 8, type, Scalar.All(left));
        image[new Rect(4, 0, 4, 8)].SetTo(Scalar.All(right));
        return image;
    }
}
