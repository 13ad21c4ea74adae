using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Core.Specs;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Formats.Tiff;
using OpenCvSharp;

namespace MedSeg.Imaging.Recording;

/// <summary>
/// A session recording as a training / evaluation data set: one sample per frame, its image and
/// either its stored ground truth or the recorded predictions.
/// </summary>
/// <remarks>
/// Spec: <c>[recording:]FILE[?masks=truth|predictions]</c>. Frames are found once (one scan of
/// the records) and loaded by offset. Predictions are at the model's size
/// and are resized to the frame (nearest, no new ids). A damaged session gives the frames before
/// the damage. Holds the file open; dispose when done. Load is thread-safe (one reader, locked).
/// </remarks>
public sealed class RecordingDataset : ISegmentationDataset, IDisposable
{
    public const string Prefix = "recording:";

    private readonly RecordingReader _reader;
    private readonly RecordingMasks _masks;
    private readonly long[] _offsets;
    private readonly long[] _seqs;
    private readonly Lock _gate = new();
    private readonly FrameRecord _record = new();

    public RecordingDataset(string path, RecordingMasks masks = RecordingMasks.Truth)
    {
        _reader = RecordingReader.Open(path, new RecordingReaderOptions { Png = PngImageCodec.Instance });
        _masks = masks;
        Path = System.IO.Path.GetFullPath(path);
        var offsets = new List<long>();
        var seqs = new List<long>();
        var f = new FrameRecord();
        while (_reader.ReadNext(f, FramePlanes.None))
        {
            if (masks == RecordingMasks.Truth ? !f.HasGroundTruth : !f.HasLabels) continue;
            offsets.Add(f.Offset);
            seqs.Add(f.Seq);
        }
        End = _reader.End!;
        (_offsets, _seqs) = (offsets.ToArray(), seqs.ToArray());
        if (_offsets.Length == 0)
        {
            _reader.Dispose();
            throw new DatasetException(path, masks == RecordingMasks.Truth
                ? "no frame of this recording has a ground-truth mask (use ?masks=predictions to train on its predictions)"
                : "no frame of this recording has a predicted mask");
        }
    }

    /// <summary>True when <paramref name="spec"/> names a recording: the <c>recording:</c> prefix, or an existing file that starts with the session magic.</summary>
    public static bool IsRecording(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return true;
        string path = SpecQuery.TargetOf(spec);
        if (!File.Exists(path)) return false;
        Span<byte> head = stackalloc byte[8];
        using var fs = File.OpenRead(path);
        return fs.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(RecordingFormat.Magic);
    }

    /// <summary>Opens <c>[recording:]FILE[?masks=truth|predictions]</c>.</summary>
    public static RecordingDataset Open(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) spec = spec[Prefix.Length..];
        var (path, query) = SpecQuery.Split("recording", spec);
        var masks = query.GetChoice("masks", ("truth", RecordingMasks.Truth), ("gt", RecordingMasks.Truth), ("ground-truth", RecordingMasks.Truth),
            ("predictions", RecordingMasks.Predictions), ("prediction", RecordingMasks.Predictions), ("pred", RecordingMasks.Predictions)) ?? RecordingMasks.Truth;
        query.EnsureConsumed("masks");
        if (!File.Exists(path)) throw new ArgumentException($"recording not found: '{path}'", nameof(spec));
        return new RecordingDataset(path, masks);
    }

    public string Path { get; }

    /// <summary>How the readable part of the file ends (a truncated session still gives its complete frames).</summary>
    public RecordingEnd End { get; }

    public SessionHeader Header => _reader.Header;

    public string Name => $"{Prefix}{Path}" + (_masks == RecordingMasks.Predictions ? "?masks=predictions" : "");

    public IReadOnlyList<string> ClassNames => _reader.Header.ClassNames;

    public int Count => _offsets.Length;

    public SampleInfo Describe(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        long seq = _seqs[index];
        return new SampleInfo(RecordingFormat.FrameId(seq), null, $"{Path}#{seq.ToString(CultureInfo.InvariantCulture)}");
    }

    public LabeledImage Load(int index)
    {
        var info = Describe(index);
        lock (_gate)
        {
            // One record, its buffers reused for every sample; the Mats below are the copies that leave the lock.
            FrameRecord f;
            try
            {
                f = _reader.ReadAt(_offsets[index], _record, FramePlanes.Image | (_masks == RecordingMasks.Truth ? FramePlanes.GroundTruth : FramePlanes.Labels));
            }
            catch (RecordingFormatException e)
            {
                throw new DatasetException(info.Source, e.Reason, e);
            }
            var image = ToMat(f.Image!, f.Width, f.Height, f.Format);
            var mask = new Mat(f.Height, f.Width, MatType.CV_8UC1);
            if (_masks == RecordingMasks.Truth) f.GroundTruth.AsSpan().CopyTo(mask.AsSpan<byte>());
            else MaskResize.NearestExact(f.Labels, f.MaskWidth, f.MaskHeight, mask.AsSpan<byte>(), f.Width, f.Height);
            return new LabeledImage(info.Id, image, mask);
        }
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>A frame's pixels as a Mat of the matching OpenCV type (a copy).</summary>
    private static Mat ToMat(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format)
    {
        var mat = new Mat(height, width, MatPixels.TypeOf(format));
        pixels.CopyTo(mat.AsSpan<byte>());
        return mat;
    }
}
