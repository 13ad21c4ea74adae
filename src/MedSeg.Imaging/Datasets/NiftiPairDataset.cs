using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Core.Specs;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Nifti;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// A NIfTI image volume and a label volume on the same grid, cut into 2-D samples along one axis:
/// <c>nifti-pair:IMG.nii.gz?labels=LBL.nii.gz[&amp;axis=z][&amp;threshold=T][&amp;slices=A-B][&amp;block=10]</c>.
/// </summary>
/// <remarks>
/// With <c>threshold</c> the mask is binary (label &gt; T, e.g. a brain-extracted copy &gt; 0 is the
/// brain); without it label values are class ids (at most 255; named class1..classN). Slices are
/// grouped in contiguous blocks of <c>block</c> slices, and the split holds out whole groups, so
/// a validation slice's immediate neighbours are not in training (except across a block border).
/// <c>slices</c> keeps an inclusive index range, e.g. to leave out empty slices or to name a
/// held-out range for `eval`. Both volumes are read once into memory (NiftiVolume).
/// </remarks>
public sealed class NiftiPairDataset : ISegmentationDataset, IDisposable
{
    public const string Prefix = "nifti-pair:";

    private readonly NiftiVolume _image;
    private readonly NiftiVolume _labels;
    private readonly double? _threshold;
    private readonly SampleInfo[] _samples;
    private readonly int[] _slice;
    private readonly Lazy<IReadOnlyList<string>> _classNames;

    private NiftiPairDataset(string spec, NiftiVolume image, NiftiVolume labels, double? threshold, int first, int last, int block)
    {
        Name = Prefix + spec;
        _image = image;
        _labels = labels;
        _threshold = threshold;
        _slice = Enumerable.Range(first, last - first + 1).ToArray();
        _samples = _slice.Select(z => new SampleInfo($"slice-{z:D4}", $"block-{z / block:D4}", _image.NameOf(z))).ToArray();
        _classNames = new Lazy<IReadOnlyList<string>>(FindClassNames);
    }

    public string Name { get; }

    public IReadOnlyList<string> ClassNames => _classNames.Value;

    public int Count => _samples.Length;

    public IReadOnlyList<string> Notes =>
        [$"{_image.Description}; labels {_labels.Description}; slices {_slice[0]}..{_slice[^1]}, split by blocks of contiguous slices"];

    /// <summary>Opens <c>IMG?labels=LBL&amp;...</c> (the part after <see cref="Prefix"/>).</summary>
    /// <exception cref="ArgumentException">An unknown or malformed option, or volumes that do not match.</exception>
    /// <exception cref="MedicalFormatException">A volume cannot be read.</exception>
    public static NiftiPairDataset Open(string spec)
    {
        var (imagePath, query) = SpecQuery.Split("nifti-pair", spec);
        string? labelsPath = query.GetString("labels");
        int axis = query.GetChoice("axis", ("x", 0), ("y", 1), ("z", 2), ("0", 0), ("1", 1), ("2", 2)) ?? 2;
        double? threshold = query.Get<double>("threshold");
        int block = query.Get<int>("block") ?? 10;
        int first = 0, last = int.MaxValue;
        if (query.GetString("slices") is { } slices)
        {
            string[] range = slices.Split('-', 2);
            if (range.Length != 2 || !int.TryParse(range[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out first)
                || !int.TryParse(range[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out last))
                throw query.Invalid("slices", slices, "expected FIRST-LAST, e.g. 20-150");
        }
        query.EnsureConsumed("labels", "axis", "threshold", "slices", "block");
        if (labelsPath is null) throw new ArgumentException($"nifti-pair needs a label volume: {Prefix}IMG.nii.gz?labels=LBL.nii.gz");
        if (block < 1) throw query.Invalid("block", block.ToString(CultureInfo.InvariantCulture), "must be ≥ 1");
        var image = NiftiVolume.Open(imagePath, axis);
        var labels = NiftiVolume.Open(labelsPath, axis);
        if (image.Width != labels.Width || image.Height != labels.Height || image.Count != labels.Count)
            throw new ArgumentException($"{labelsPath} is {labels.Width}×{labels.Height}×{labels.Count} along {"xyz"[axis]} but {imagePath} is {image.Width}×{image.Height}×{image.Count}: the volumes must share one grid");
        last = Math.Min(last, image.Count - 1);
        if (first < 0 || first > last) throw new ArgumentException($"nifti-pair slices {first}-{last}: the volume has slices 0-{image.Count - 1}");
        return new NiftiPairDataset(spec, image, labels, threshold, first, last, block);
    }

    public SampleInfo Describe(int index) => SampleLoader.Check(_samples, index);

    public LabeledImage Load(int index)
    {
        SampleInfo s = Describe(index);
        int z = _slice[index];
        Mat image = ReadSlice(_image, z);
        using Mat raw = ReadSlice(_labels, z);
        return new LabeledImage(s.Id, image, ToMask(raw, s.Source));
    }

    public void Dispose()
    {
        _image.Dispose();
        _labels.Dispose();
    }

    private Mat ToMask(Mat raw, string source)
    {
        using var values = new Mat();
        raw.ConvertTo(values, MatType.CV_32FC1);
        var mask = new Mat();
        if (_threshold is { } t)
        {
            Cv2.Threshold(values, values, t, 1, ThresholdTypes.Binary);
            values.ConvertTo(mask, MatType.CV_8UC1);
            return mask;
        }
        Cv2.MinMaxLoc(values, out double min, out double max);
        if (min < 0 || max > 255)
        {
            mask.Dispose();
            throw new DatasetException(source, $"label values {min}..{max} are not class ids 0..255: pass threshold=T for a binary mask (label > T)");
        }
        values.ConvertTo(mask, MatType.CV_8UC1);
        return mask;
    }

    private IReadOnlyList<string> FindClassNames()
    {
        if (_threshold is not null) return ["background", "foreground"];
        int maxId = 1;
        foreach (int z in _slice)
        {
            using Mat raw = ReadSlice(_labels, z);
            Cv2.MinMaxLoc(raw, out double _, out double max);
            maxId = Math.Max(maxId, (int)Math.Min(max, 255));
        }
        return ["background", .. Enumerable.Range(1, maxId).Select(static i => $"class{i}")];
    }

    private static Mat ReadSlice(NiftiVolume volume, int z)
    {
        MatType type = volume.Format switch
        {
            PixelFormat.Gray8 => MatType.CV_8UC1,
            PixelFormat.Gray16 => MatType.CV_16UC1,
            PixelFormat.Int16 => MatType.CV_16SC1,
            PixelFormat.Float32 => MatType.CV_32FC1,
            _ => throw new MedicalFormatException(volume.NameOf(z), $"unsupported slice format {volume.Format}"),
        };
        var mat = new Mat(volume.Height, volume.Width, type);
        var buffer = new byte[(int)(mat.Total() * mat.ElemSize())];
        volume.Read(z, buffer);
        System.Runtime.InteropServices.Marshal.Copy(buffer, 0, mat.Data, buffer.Length);
        return mat;
    }
}
