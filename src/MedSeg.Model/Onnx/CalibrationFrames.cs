using MedSeg.Core.Inference;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;

namespace MedSeg.Model.Onnx;

/// <summary>
/// Training images for int8 calibration, preprocessed exactly as the checkpoint's input and laid
/// out as the exported graph's input: from a data spec the user names, else from the data set the
/// checkpoint was trained on (its <see cref="CheckpointInfo.Dataset"/>), spread evenly over it.
/// </summary>
public static class CalibrationFrames
{
    public const int DefaultCount = 32;

    /// <param name="window">A patch graph's window (its input): each image gives one window of the tiler's, their positions taken in turn; null: whole images.</param>
    public static (IReadOnlyList<float[]> Frames, string Source) Load(string? spec, CheckpointInfo info, TensorLayout layout,
                                                                       int count = DefaultCount, int? window = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string source = spec ?? info.Dataset;
        if (string.IsNullOrWhiteSpace(source))
            throw new ArgumentException("--precision int8 calibrates on training images, and the checkpoint does not name its training data: pass --calibration DATA");
        ISegmentationDataset data;
        try
        {
            data = DatasetFactory.Open(source);
        }
        catch (Exception e) when (spec is null && e is ArgumentException or IOException or DatasetException)
        {
            throw new ArgumentException($"--precision int8 calibrates on the checkpoint's training data '{source}', which does not open here ({e.Message.Split('\n')[0]}): pass --calibration DATA", e);
        }
        int n = Math.Min(count, data.Count);
        var indices = Enumerable.Range(0, n).Select(i => (int)((long)i * data.Count / n)).ToList();
        PreparedDataset prepared;
        using (var preprocessor = new Preprocessor(info.Preprocess)) prepared = new PreparedDataset(data, indices, preprocessor, null, ct);
        var frames = new float[n][];
        for (int i = 0; i < n; i++)
        {
            var (image, h, w) = window is { } p ? (Window(prepared.Image(i), prepared.Channels, prepared.Height, prepared.Width, p, i), p, p)
                                                : (prepared.Image(i).ToArray(), prepared.Height, prepared.Width);
            frames[i] = layout == TensorLayout.Nhwc ? ToNhwc(image, prepared.Channels, h * w) : image;
        }
        return (frames, $"{data.Name} ({n} of {data.Count} images)");
    }

    /// <summary>The <paramref name="k"/>-th (cyclically) of the sliding windows over a C×H×W image.</summary>
    private static float[] Window(ReadOnlySpan<float> chw, int channels, int height, int width, int p, int k)
    {
        int[] ys = SlidingWindows.Starts(height, p, SlidingWindows.DefaultOverlap), xs = SlidingWindows.Starts(width, p, SlidingWindows.DefaultOverlap);
        int y0 = ys[k % (ys.Length * xs.Length) / xs.Length], x0 = xs[k % xs.Length];
        var window = new float[channels * p * p];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < p; y++)
                chw.Slice((c * height + y0 + y) * width + x0, p).CopyTo(window.AsSpan((c * p + y) * p, p));
        return window;
    }

    private static float[] ToNhwc(ReadOnlySpan<float> chw, int channels, int plane)
    {
        var hwc = new float[chw.Length];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++) hwc[i * channels + c] = chw[c * plane + i];
        return hwc;
    }
}
