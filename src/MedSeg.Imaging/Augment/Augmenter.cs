using OpenCvSharp;

namespace MedSeg.Imaging.Augment;

/// <summary>
/// Random training-time transforms, in place on a preprocessed sample: one affine (flips,
/// rotation, scale, shift) applied identically to image and mask, then brightness / contrast on
/// the image alone.
/// </summary>
/// <remarks>
/// Inputs: a CHW float image and its H × W mask of class ids, plus the caller's <see cref="Random"/>.
/// Options: <see cref="AugmentOptions"/>; when not <see cref="AugmentOptions.Enabled"/> nothing changes
/// and no random number is drawn.
/// Memory: the working Mats and the 2 × 3 matrix belong to the instance and are reused, so an
/// instance is NOT thread-safe: use one per data-loading worker.
/// Notes: flips are exact index permutations, so a flip alone never blurs. The rest is one
/// WarpAffine per plane: bilinear with replicated border for the image, nearest with border 0
/// (background) for the mask, from the same matrix, so they stay aligned.
/// </remarks>
public sealed class Augmenter : IDisposable
{
    private readonly Mat _plane = new();
    private readonly Mat _warped = new();
    private readonly Mat _maskPlane = new();
    private readonly Mat _maskWarped = new();
    private readonly Mat _affine = new(2, 3, MatType.CV_64FC1);
    private float[] _turnedImage = [];
    private byte[] _turnedMask = [];

    public Augmenter(AugmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public AugmentOptions Options { get; }

    public void Apply(Span<float> chw, Span<byte> mask, int channels, int height, int width, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        int plane = height * width;
        if (chw.Length != channels * plane)
            throw new ArgumentException($"needs {channels}×{height}×{width} = {channels * plane} floats, got {chw.Length}", nameof(chw));
        if (mask.Length != plane) throw new ArgumentException($"needs {height}×{width} = {plane} ids, got {mask.Length}", nameof(mask));
        if (!Options.Enabled) return;

        // Every draw happens every time, in this order, so one seed gives one transform whatever the options.
        bool flipH = rng.NextDouble() < Options.HorizontalFlip;
        bool flipV = rng.NextDouble() < Options.VerticalFlip;
        double angle = Symmetric(rng, Options.RotateDegrees);
        double scale = 1 + Symmetric(rng, Options.Scale);
        double shiftX = Symmetric(rng, Options.Shift) * width;
        double shiftY = Symmetric(rng, Options.Shift) * height;
        double brightness = Symmetric(rng, Options.Brightness);
        double contrast = 1 + Symmetric(rng, Options.Contrast);
        // Drawn last and only when enabled, so seeds of runs without it give the same transforms as before.
        int turns = Options.Rotate90 && height == width ? rng.Next(4) : 0;

        for (int c = 0; c < channels; c++) Flip(chw.Slice(c * plane, plane), height, width, flipH, flipV);
        Flip(mask, height, width, flipH, flipV);
        if (turns > 0)
        {
            if (_turnedImage.Length < plane) _turnedImage = new float[plane];
            if (_turnedMask.Length < plane) _turnedMask = new byte[plane];
            for (int c = 0; c < channels; c++) Turn(chw.Slice(c * plane, plane), width, turns, _turnedImage);
            Turn(mask, width, turns, _turnedMask);
        }
        if (angle != 0 || scale != 1 || shiftX != 0 || shiftY != 0)
        {
            SetAffine(angle, scale, shiftX, shiftY, (width - 1) / 2.0, (height - 1) / 2.0);
            var size = new Size(width, height);
            _plane.Create(height, width, MatType.CV_32FC1);
            for (int c = 0; c < channels; c++)
            {
                Span<float> slice = chw.Slice(c * plane, plane);
                slice.CopyTo(_plane.AsSpan<float>());
                Cv2.WarpAffine(_plane, _warped, _affine, size, InterpolationFlags.Linear, BorderTypes.Replicate);
                _warped.AsSpan<float>().CopyTo(slice);
            }
            _maskPlane.Create(height, width, MatType.CV_8UC1);
            mask.CopyTo(_maskPlane.AsSpan<byte>());
            Cv2.WarpAffine(_maskPlane, _maskWarped, _affine, size, InterpolationFlags.Nearest, BorderTypes.Constant, Scalar.All(0));
            _maskWarped.AsSpan<byte>().CopyTo(mask);
        }
        if (brightness != 0 || contrast != 1) AdjustIntensity(chw, brightness, contrast);
    }

    public void Dispose()
    {
        _plane.Dispose();
        _warped.Dispose();
        _maskPlane.Dispose();
        _maskWarped.Dispose();
        _affine.Dispose();
    }

    private static double Symmetric(Random rng, double range) => range * (2 * rng.NextDouble() - 1);

    private static void Flip<T>(Span<T> plane, int height, int width, bool horizontal, bool vertical)
    {
        if (horizontal)
            for (int y = 0; y < height; y++) plane.Slice(y * width, width).Reverse();
        if (vertical)
        {
            for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--)
            {
                Span<T> a = plane.Slice(top * width, width), b = plane.Slice(bottom * width, width);
                for (int x = 0; x < width; x++) (a[x], b[x]) = (b[x], a[x]);
            }
        }
    }

    /// <summary>Turns a square n × n plane by <paramref name="turns"/> × 90° counter-clockwise, an exact permutation.</summary>
    private static void Turn<T>(Span<T> plane, int n, int turns, T[] scratch)
    {
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                int to = turns switch { 1 => (n - 1 - x) * n + y, 2 => (n - 1 - y) * n + (n - 1 - x), _ => x * n + (n - 1 - y) };
                scratch[to] = plane[y * n + x];
            }
        }
        scratch.AsSpan(0, n * n).CopyTo(plane);
    }

    /// <summary>Rotation by <paramref name="degrees"/> and scaling about the centre, then a shift (OpenCV's getRotationMatrix2D + translation).</summary>
    private void SetAffine(double degrees, double scale, double shiftX, double shiftY, double centreX, double centreY)
    {
        double radians = degrees * Math.PI / 180;
        double alpha = scale * Math.Cos(radians), beta = scale * Math.Sin(radians);
        Span<double> m = _affine.AsSpan<double>();
        m[0] = alpha; m[1] = beta; m[2] = (1 - alpha) * centreX - beta * centreY + shiftX;
        m[3] = -beta; m[4] = alpha; m[5] = beta * centreX + (1 - alpha) * centreY + shiftY;
    }

    /// <summary>Contrast stretches around the image mean (so it does not also shift brightness); brightness adds.</summary>
    private static void AdjustIntensity(Span<float> chw, double brightness, double contrast)
    {
        double sum = 0;
        foreach (float v in chw) sum += v;
        double mean = sum / chw.Length;
        for (int i = 0; i < chw.Length; i++) chw[i] = (float)((chw[i] - mean) * contrast + mean + brightness);
    }
}
