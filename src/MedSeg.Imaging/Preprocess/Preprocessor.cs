using OpenCvSharp;

namespace MedSeg.Imaging.Preprocess;

/// <summary>
/// Turns a raw image into network input (float CHW) and a label map into class ids, the same way
/// for training, evaluation and streaming.
/// </summary>
/// <remarks>
/// Inputs: CV_8UC1, CV_8UC3 (BGR), CV_16UC1, CV_16SC1 (CT, HU) or CV_32FC1 images; CV_8UC1 masks.
/// Outputs: <c>Channels × Height × Width</c> floats, channel-major; <c>Height × Width</c> mask ids.
/// Options: <see cref="PreprocessOptions"/> (validated here).
/// Memory: every intermediate Mat belongs to the instance and is reused, so a steady stream of
/// same-sized images allocates nothing. That also makes an instance NOT thread-safe: use one
/// per thread.
/// Notes: the image goes to 32-bit float first and never through 8 bits, so 16-bit and HU values
/// survive. Steps: colour → resize (area when shrinking, linear when growing) → median → normalise.
/// Per-image statistics (min–max, z-score) pool all channels, so RGB keeps its colour balance.
/// HSV comes from OpenCV's 8-bit conversion and is scaled to 0–1 per channel (H/180, S/255, V/255);
/// UnitRange leaves it there. Resizing interpolates hue linearly, ignoring that it wraps at red.
/// </remarks>
public sealed class Preprocessor : IDisposable
{
    // INTER_NEAREST_EXACT (OpenCV ≥ 4.5), which OpenCvSharp's enum does not name. Plain INTER_NEAREST
    // samples floor(x · scale), half a pixel off the centre-aligned grid that area / linear use, so
    // masks would drift against their images.
    private const InterpolationFlags NearestExact = (InterpolationFlags)6;

    private readonly Mat _float = new();
    private readonly Mat _color = new();
    private readonly Mat _bgr8 = new();
    private readonly Mat _hsv8 = new();
    private readonly Mat _resized = new();
    private readonly Mat _filtered = new();
    private readonly Mat _mask = new();
    private readonly float[] _channelScale;
    private readonly float[] _window;

    public Preprocessor(PreprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        if (Options.Normalization == Normalization.DatasetStats && Options.DatasetHigh < Options.DatasetLow)
            throw new ArgumentOutOfRangeException(nameof(options), Options.DatasetHigh, "DatasetHigh must not be below DatasetLow");
        // HSV arrives as 8-bit H 0–180, S and V 0–255; scaling per channel when writing the output
        // is exact because resize and median commute with a positive per-channel scale.
        _channelScale = Options.Color == ColorMode.Hsv ? [1f / 180f, 1f / 255f, 1f / 255f] : [1f, 1f, 1f];
        _window = new float[Math.Max(Options.MedianBlur, 1) * Math.Max(Options.MedianBlur, 1)];
    }

    public PreprocessOptions Options { get; }

    /// <summary>Writes the network input for <paramref name="image"/> into <paramref name="chw"/>.</summary>
    /// <exception cref="ArgumentException">Unsupported type, HSV for a non-8-bit image, or a wrong output length.</exception>
    public void Image(Mat image, Span<float> chw)
    {
        ArgumentNullException.ThrowIfNull(image);
        int channels = Options.Channels, plane = Options.Width * Options.Height;
        if (chw.Length != channels * plane)
            throw new ArgumentException($"needs {channels}×{Options.Height}×{Options.Width} = {channels * plane} floats, got {chw.Length}", nameof(chw));
        if (image.Empty()) throw new ArgumentException("image is empty", nameof(image));
        bool eightBit = image.Depth() == MatType.CV_8U;
        Mat colored = ToColor(image, eightBit);
        Mat sized = Resize(colored);
        Mat filtered = Median(sized);
        Normalize(filtered.AsSpan<float>(), chw, eightBit);
    }

    /// <summary>Resizes a CV_8UC1 label map by nearest neighbour (no new ids appear) into <paramref name="ids"/>.</summary>
    public void Mask(Mat mask, Span<byte> ids)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Type() != MatType.CV_8UC1) throw new ArgumentException($"mask must be CV_8UC1, got {mask.Type()}", nameof(mask));
        if (ids.Length != Options.Width * Options.Height)
            throw new ArgumentException($"needs {Options.Height}×{Options.Width} = {Options.Width * Options.Height} ids, got {ids.Length}", nameof(ids));
        if (mask.Width == Options.Width && mask.Height == Options.Height) mask.CopyTo(_mask);
        else Cv2.Resize(mask, _mask, new Size(Options.Width, Options.Height), 0, 0, NearestExact);
        _mask.AsSpan<byte>().CopyTo(ids);
    }

    public void Dispose()
    {
        foreach (var mat in new[] { _float, _color, _bgr8, _hsv8, _resized, _filtered, _mask }) mat.Dispose();
    }

    private Mat ToColor(Mat image, bool eightBit)
    {
        int depth = image.Depth(), channels = image.Channels();
        bool supported = channels == 1
            ? depth is MatType.CV_8U or MatType.CV_16U or MatType.CV_16S or MatType.CV_32F
            : channels == 3 && depth == MatType.CV_8U;
        if (!supported)
            throw new ArgumentException($"unsupported image type {image.Type()}: expected 8UC1, 8UC3 (BGR), 16UC1, 16SC1 or 32FC1", nameof(image));

        switch (Options.Color)
        {
            case ColorMode.Hsv:
                // OpenCV's HSV on floats expects 0–1 BGR; there is no honest 0–1 for 16-bit or HU data.
                if (!eightBit) throw new ArgumentException($"HSV needs an 8-bit image, got {image.Type()}", nameof(image));
                Mat bgr = image;
                if (channels == 1) { Cv2.CvtColor(image, _bgr8, ColorConversionCodes.GRAY2BGR); bgr = _bgr8; }
                Cv2.CvtColor(bgr, _hsv8, ColorConversionCodes.BGR2HSV);
                _hsv8.ConvertTo(_color, MatType.CV_32FC3);
                return _color;
            case ColorMode.Gray when channels == 3:
                image.ConvertTo(_float, MatType.CV_32FC3);
                Cv2.CvtColor(_float, _color, ColorConversionCodes.BGR2GRAY);
                return _color;
            case ColorMode.Rgb:
                image.ConvertTo(_float, MatType.MakeType(MatType.CV_32F, channels));
                Cv2.CvtColor(_float, _color, channels == 1 ? ColorConversionCodes.GRAY2RGB : ColorConversionCodes.BGR2RGB);
                return _color;
            default:
                image.ConvertTo(_color, MatType.CV_32FC1);
                return _color;
        }
    }

    private Mat Resize(Mat src)
    {
        if (src.Width == Options.Width && src.Height == Options.Height) return src;
        bool shrinking = Options.Width <= src.Width && Options.Height <= src.Height;
        Cv2.Resize(src, _resized, new Size(Options.Width, Options.Height), 0, 0,
            shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        return _resized;
    }

    private Mat Median(Mat src)
    {
        int k = Options.MedianBlur;
        if (k == 0) return src;
        // OpenCV's median takes 32F only for k = 3 or 5; larger apertures go through our own filter.
        if (k <= 5) Cv2.MedianBlur(src, _filtered, k);
        else LargeMedian.Apply(src, _filtered, k, _window);
        return _filtered;
    }

    private void Normalize(ReadOnlySpan<float> hwc, Span<float> chw, bool eightBit)
    {
        int channels = Options.Channels, plane = Options.Width * Options.Height;
        double low = double.NegativeInfinity, high = double.PositiveInfinity; // clip before scaling
        double scale, offset;
        bool clipOutput = false, keepZero = false;
        switch (Options.Normalization)
        {
            case Normalization.UnitRange when Options.Color == ColorMode.Hsv:
                (scale, offset) = (1, 0); // already 0–1 per channel
                break;
            case Normalization.UnitRange when eightBit:
                (scale, offset) = (1.0 / 255, 0);
                break;
            case Normalization.UnitRange:
                var (min, max) = MinMax(hwc);
                (scale, offset) = max > min ? (1 / (max - min), -min / (max - min)) : (0, 0);
                break;
            case Normalization.ZScore:
                var (mean, std) = MeanStd(hwc);
                (scale, offset) = std > 0 ? (1 / std, -mean / std) : (0, 0);
                break;
            case Normalization.ZScoreNonZero:
                // Zero is "outside the scan" here (skull-stripped MRI): the statistics of the tissue
                // alone, and the outside kept at exactly 0 so it stays one value after scaling.
                var (nzMean, nzStd) = MeanStd(hwc, nonZeroOnly: true);
                (scale, offset, keepZero) = nzStd > 0 ? (1 / nzStd, -nzMean / nzStd, true) : (0, 0, true);
                break;
            case Normalization.Window:
                double width = Options.WindowHigh - Options.WindowLow;
                (scale, offset, clipOutput) = (1 / width, -Options.WindowLow / width, true);
                break;
            case Normalization.DatasetStats:
                (low, high) = (Options.DatasetLow, Options.DatasetHigh);
                (scale, offset) = (1 / Options.DatasetStd, -Options.DatasetMean / Options.DatasetStd);
                break;
            default:
                throw new InvalidOperationException($"unknown normalization {Options.Normalization}");
        }

        for (int c = 0; c < channels; c++)
        {
            Span<float> dst = chw.Slice(c * plane, plane);
            float channelScale = _channelScale[c];
            for (int p = 0; p < plane; p++)
            {
                float raw = hwc[p * channels + c];
                double v = Math.Clamp(raw * channelScale, low, high) * scale + offset;
                dst[p] = keepZero && raw == 0 ? 0f : (float)(clipOutput ? Math.Clamp(v, 0, 1) : v);
            }
        }
    }

    private (double Min, double Max) MinMax(ReadOnlySpan<float> hwc)
    {
        int channels = Options.Channels;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < hwc.Length; i++)
        {
            double v = hwc[i] * _channelScale[i % channels];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }

    private (double Mean, double Std) MeanStd(ReadOnlySpan<float> hwc, bool nonZeroOnly = false)
    {
        // Two passes: a constant image then gets a variance of exactly 0 (→ zeros), not rounding noise.
        int channels = Options.Channels;
        double sum = 0;
        long n = 0;
        for (int i = 0; i < hwc.Length; i++)
        {
            if (nonZeroOnly && hwc[i] == 0) continue;
            sum += hwc[i] * _channelScale[i % channels];
            n++;
        }
        if (n == 0) return (0, 0);
        double mean = sum / n, sumSq = 0;
        for (int i = 0; i < hwc.Length; i++)
        {
            if (nonZeroOnly && hwc[i] == 0) continue;
            double d = hwc[i] * _channelScale[i % channels] - mean;
            sumSq += d * d;
        }
        return (mean, Math.Sqrt(sumSq / n));
    }
}
