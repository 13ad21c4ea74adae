using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>What a data set is made of, measured once before planning (nnU-Net's "dataset fingerprint").</summary>
/// <param name="Images">images measured (an even sample when the set is large).</param>
/// <param name="Depth">"8-bit", "16-bit", "16-bit signed" or "float".</param>
/// <param name="ForegroundLow">0.5th percentile of intensities inside the foreground (any class ≠ 0).</param>
/// <param name="ForegroundHigh">99.5th percentile inside the foreground.</param>
/// <param name="ClassFrequencies">share of all pixels per class id ([0] = background).</param>
/// <param name="ImagesWithForeground">share of images with any foreground pixel.</param>
/// <param name="StructureWidth">median over images of 2·area / boundary of the foreground, in pixels: the
/// width of a strip, the diameter of a disc over two — small for thin structures.</param>
/// <param name="Spacing">pixel spacing in mm when the source states it, else null.</param>
public sealed record DatasetFingerprint(
    int Images, int MedianWidth, int MedianHeight, int MinWidth, int MinHeight, int MaxWidth, int MaxHeight,
    int Channels, string Depth, double ValueMin, double ValueMax,
    double ForegroundLow, double ForegroundMedian, double ForegroundHigh, double ForegroundMean, double ForegroundStd,
    IReadOnlyList<double> ClassFrequencies, double ForegroundFraction, double ImagesWithForeground, double StructureWidth,
    double? Spacing)
{
    /// <summary>
    /// Median over images of the area of the non-zero pixels' bounding box over the image's area (1 when
    /// nothing is exactly zero). nnU-Net crops to this box and, when cropping removes a quarter or more,
    /// normalizes MRI over the non-zero region only (skull-stripped brains sit in a sea of zeros).
    /// </summary>
    public double NonZeroBoxFraction { get; init; } = 1;

    /// <summary>
    /// <see cref="StructureWidth"/> per class id, background (id 0) included, over images with foreground;
    /// NaN for classes never seen. A thin class beside a thick one (a skull ring around brain tissue) shows
    /// here, not in the any-foreground width; so does thin background between labelled regions (membranes between cells).
    /// </summary>
    public IReadOnlyList<double> ClassStructureWidths { get; init; } = [];

    /// <summary>The narrowest class's structure width (the any-foreground width when no class was measured alone).</summary>
    public double FinestStructureWidth => ClassStructureWidths.Where(double.IsFinite).DefaultIfEmpty(StructureWidth).Min();

    /// <summary>Samples in the whole set (<see cref="Images"/> may be a sample of them); 0: not recorded, take <see cref="Images"/>.</summary>
    public int SetSize { get; init; }

    /// <summary>Samples in the whole set.</summary>
    public int Samples => SetSize > 0 ? SetSize : Images;

    /// <summary>CT in Hounsfield units: signed 16-bit or float data that reaches air (≤ −500).</summary>
    public bool LooksLikeCt => (Depth is "16-bit signed" or "float") && ValueMin <= -500;

    /// <summary>Measures up to <paramref name="maxImages"/> samples of <paramref name="data"/>, spread evenly.</summary>
    public static DatasetFingerprint Measure(ISegmentationDataset data, IReadOnlyList<int>? indices = null, int maxImages = 200,
                                             int samplesPerImage = 4096, int seed = 0, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var pool = indices ?? Enumerable.Range(0, data.Count).ToArray();
        if (pool.Count == 0) throw new ArgumentException($"{data.Name}: no samples to measure", nameof(indices));
        int take = Math.Min(maxImages, pool.Count);
        var rng = new Random(seed);
        var widths = new List<int>(take);
        var heights = new List<int>(take);
        var structure = new List<double>();
        var classStructure = Enumerable.Range(0, data.ClassNames.Count).Select(_ => new List<double>()).ToArray();
        var classArea = new long[data.ClassNames.Count];
        var classBoundary = new long[data.ClassNames.Count];
        var nonZeroBox = new List<double>(take);
        var foreground = new List<float>();
        var counts = new long[data.ClassNames.Count];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int channels = 1, withForeground = 0;
        string depth = "8-bit";
        using var values = new Mat();
        int[] measured = Enumerable.Range(0, take).Select(k => pool[(int)((long)k * pool.Count / take)]).ToArray();
        foreach (var loaded in SamplePrefetch.Load(data, measured, ct))
        {
            // A bad sample is the validator's to report, not a reason to stop planning.
            if (loaded.Sample is not { } s) continue;
            using var _ = s;
            widths.Add(s.Image.Width);
            heights.Add(s.Image.Height);
            channels = s.Image.Channels();
            depth = DepthName(s.Image.Depth());
            s.Image.ConvertTo(values, MatType.MakeType(MatType.CV_32F, channels));
            using var gray = channels == 1 ? values.Clone() : values.CvtColor(ColorConversionCodes.BGR2GRAY);
            Cv2.MinMaxLoc(gray, out double lo, out double hi);
            (min, max) = (Math.Min(min, lo), Math.Max(max, hi));
            nonZeroBox.Add(NonZeroBoxShare(gray));
            ReadOnlySpan<float> pixels = gray.AsSpan<float>();
            ReadOnlySpan<byte> ids = s.Mask.AsSpan<byte>();
            int fgCount = 0, boundary = 0, w = s.Mask.Width, h = s.Mask.Height;
            Array.Clear(classArea);
            Array.Clear(classBoundary);
            for (int i = 0; i < ids.Length; i++)
            {
                byte id = ids[i];
                if (id < counts.Length) counts[id]++;
                int x = i % w, y = i / w;
                bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1;
                if (id < classArea.Length)
                {
                    classArea[id]++;
                    if (edge || ids[i - 1] != id || ids[i + 1] != id || ids[i - w] != id || ids[i + w] != id) classBoundary[id]++;
                }
                if (id == 0) continue;
                fgCount++;
                if (edge || ids[i - 1] == 0 || ids[i + 1] == 0 || ids[i - w] == 0 || ids[i + w] == 0) boundary++;
            }
            if (fgCount == 0) continue;
            withForeground++;
            structure.Add(2.0 * fgCount / Math.Max(1, boundary));
            // Background too: between cells it is the membranes (ISBI 2012 labels the cells).
            for (int c = 0; c < classArea.Length; c++)
                if (classArea[c] > 0) classStructure[c].Add(2.0 * classArea[c] / Math.Max(1, classBoundary[c]));
            // Foreground intensities, sampled with replacement so large images do not dominate.
            if (pixels.Length == ids.Length)
            {
                for (int n = 0, tries = 0; n < Math.Min(samplesPerImage, fgCount) && tries < 20 * samplesPerImage; tries++)
                {
                    int i = rng.Next(ids.Length);
                    if (ids[i] == 0) continue;
                    foreground.Add(pixels[i]);
                    n++;
                }
            }
        }

        foreground.Sort();
        long total = counts.Sum();
        double[] freq = counts.Select(c => total > 0 ? (double)c / total : 0).ToArray();
        double mean = foreground.Count > 0 ? foreground.Average(static v => (double)v) : double.NaN;
        double std = foreground.Count > 0 ? Math.Sqrt(foreground.Average(v => (v - mean) * (v - mean))) : double.NaN;
        if (widths.Count == 0) throw new DatasetException(data.Name, "no sample could be loaded to fingerprint");
        return new DatasetFingerprint(
            widths.Count, Median(widths), Median(heights), widths.Min(), heights.Min(), widths.Max(), heights.Max(), channels, depth, min, max,
            Percentile(foreground, 0.5), Percentile(foreground, 50), Percentile(foreground, 99.5), mean, std,
            freq, 1 - freq[0], (double)withForeground / widths.Count,
            structure.Count > 0 ? structure.Order().ElementAt(structure.Count / 2) : double.NaN, data.Spacing)
        {
            NonZeroBoxFraction = nonZeroBox.Order().ElementAt(nonZeroBox.Count / 2),
            SetSize = pool.Count,
            ClassStructureWidths = [.. classStructure.Select(l => l.Count == 0 ? double.NaN : l.Order().ElementAt(l.Count / 2))],
        };
    }

    private static double NonZeroBoxShare(Mat gray)
    {
        using var nonZero = new Mat();
        Cv2.Compare(gray, new Scalar(0), nonZero, CmpTypes.NE);
        var box = Cv2.BoundingRect(nonZero);
        return (double)box.Width * box.Height / ((double)gray.Width * gray.Height);
    }

    private static string DepthName(int depth) => depth switch
    {
        MatType.CV_8U => "8-bit",
        MatType.CV_16U => "16-bit",
        MatType.CV_16S => "16-bit signed",
        _ => "float",
    };

    private static int Median(List<int> v) => v.Order().ElementAt(v.Count / 2);

    private static double Percentile(List<float> sorted, double percent) => Preprocess.IntensityStatistics.Percentile(sorted, percent);
}
