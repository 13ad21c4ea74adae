using MedSeg.Core.Metrics;

namespace MedSeg.Core.Recording;

/// <summary>
/// Scores recorded predictions against reference masks with <see cref="ImageMetrics"/> and
/// <see cref="MetricsAggregator"/>, the code `medseg eval` uses, so the numbers agree.
/// </summary>
/// <remarks>
/// Scoring happens on the reference's grid (the frame's own size for stored ground truth and mask
/// folders): a prediction of another size is rebuilt there from its recorded probabilities
/// (<see cref="RecordedProbabilities"/>: bilinear, then the threshold, as `eval` does), or, without
/// usable probabilities, resampled with <see cref="MaskResize.NearestExact"/>, the rule `export`
/// uses (recordings/FORMAT.md, "Masks of different sizes").
/// A <see cref="SetRegion">region</see> (an ultrasound sector) limits scoring to the pixels inside
/// it: outside pixels count in no confusion cell and not in pixel accuracy, and no boundary there
/// is measured by HD95 (both masks are cleared outside, so HD95 sees the region's edge as the
/// image edge). Memory: resize and region buffers, reused. Not thread-safe.
/// </remarks>
public sealed class SessionScorer
{
    private readonly MetricsAggregator _aggregator;
    private readonly List<FrameScore> _frames = [];
    private readonly bool _hd95;
    private byte[] _resized = [], _region = [], _regionScaled = [], _inP = [], _inT = [];
    private (int W, int H) _regionSize, _regionScaledSize;
    private Frames.SectorGeometry? _sector;

    /// <param name="threshold">the session's foreground threshold: probabilities resampled to a reference's size are cut there.</param>
    public SessionScorer(IReadOnlyList<string> classNames, bool hd95 = false, Hd95Convention convention = Hd95Convention.Pooled, double threshold = 0.5)
    {
        if (threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "must be in (0, 1)");
        Threshold = threshold;
        ArgumentNullException.ThrowIfNull(classNames);
        ClassNames = classNames;
        _aggregator = new MetricsAggregator(classNames.Count, classNames);
        _hd95 = hd95;
        Convention = convention;
    }

    /// <summary>Foreground threshold for predictions rebuilt from recorded probabilities.</summary>
    public double Threshold { get; }

    /// <summary>Frames of another size than their reference that were scored from resampled probabilities (the rest: from nearest-neighbour labels).</summary>
    public long FromProbabilities { get; private set; }

    /// <summary>How HD95 combines its two directed distance sets (named in reports).</summary>
    public Hd95Convention Convention { get; }

    /// <summary>Limits scoring to pixels where <paramref name="region"/> is nonzero (e.g. <see cref="Frames.SectorGeometry.Mask"/>);
    /// null scores every pixel. A region of another size than the reference is resampled with NearestExact.</summary>
    public void SetRegion(byte[]? region, int width, int height)
    {
        if (region is not null && region.Length != width * height) throw new ArgumentException($"region has {region.Length} pixels, not {width}×{height}", nameof(region));
        (_region, _regionSize, _regionScaledSize) = (region ?? [], (width, height), default);
    }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Scores inside <paramref name="sector"/>'s mask from now on (a no-op when it is the sector already in use).</summary>
    public void UseSector(Frames.SectorGeometry sector)
    {
        ArgumentNullException.ThrowIfNull(sector);
        if (ReferenceEquals(sector, _sector) || sector == _sector) return;
        _sector = sector;
        SetRegion(sector.Mask(), sector.Width, sector.Height);
    }

    public IReadOnlyList<FrameScore> Frames => _frames;

    /// <summary>Frames that had no prediction or no reference, or held class ids outside the classes, and were left out.</summary>
    public long Skipped { get; private set; }

    /// <summary>Why frames were left out, beyond a missing plane ("frame 7: prediction holds class id 200 …"); the first 20.</summary>
    public IReadOnlyList<string> Problems => _problems;

    private readonly List<string> _problems = [];

    /// <summary>Scores the frame's labels (which must be decoded) against <paramref name="reference"/>.</summary>
    /// <returns>Null when a class id is outside the session's classes: the frame is skipped, counted and named in <see cref="Problems"/>.</returns>
    public FrameScore? Add(FrameRecord frame, ReadOnlySpan<byte> reference, int referenceWidth, int referenceHeight)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.HasLabels || frame.Labels is null) throw new ArgumentException($"frame {frame.Seq} has no decoded prediction", nameof(frame));
        int w = referenceWidth, h = referenceHeight;
        ReadOnlySpan<byte> predicted = frame.Labels;
        if (frame.MaskWidth != w || frame.MaskHeight != h)
        {
            if (_resized.Length != w * h) _resized = new byte[w * h];
            if (RecordedProbabilities.TryLabelsAt(frame, ClassNames.Count, Threshold, _resized, w, h)) FromProbabilities++;
            else MaskResize.NearestExact(frame.Labels.AsSpan(0, frame.MaskWidth * frame.MaskHeight), frame.MaskWidth, frame.MaskHeight, _resized, w, h);
            predicted = _resized;
        }
        // A damaged or foreign mask must cost one frame, not the run.
        if ((OutOfRange(frame.Labels.AsSpan(0, Math.Min(frame.Labels.Length, frame.MaskWidth * frame.MaskHeight)), "prediction")
             ?? OutOfRange(reference[..Math.Min(reference.Length, w * h)], "reference")) is { } bad)
        {
            Skip($"frame {frame.Seq}: {bad}");
            return null;
        }
        string id = RecordingFormat.FrameId(frame.Seq);
        var metrics = _region.Length == 0
            ? ImageMetrics.Compute(id, predicted, reference, w, h, ClassNames.Count, _hd95, Convention)
            : InRegion(id, predicted, reference, w, h);
        _aggregator.Add(metrics);
        var score = new FrameScore(frame.Seq, frame.Timestamp, metrics);
        _frames.Add(score);
        return score;
    }

    private ImageMetrics InRegion(string id, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth, int w, int h)
    {
        int pixels = w * h;
        ReadOnlySpan<byte> region = _region;
        if (_regionSize != (w, h))
        {
            if (_regionScaledSize != (w, h))
            {
                _regionScaled = new byte[pixels];
                MaskResize.NearestExact(_region, _regionSize.W, _regionSize.H, _regionScaled, w, h);
                _regionScaledSize = (w, h);
            }
            region = _regionScaled;
        }
        if (_inP.Length != pixels) (_inP, _inT) = (new byte[pixels], new byte[pixels]);
        long outside = 0;
        for (int i = 0; i < pixels; i++)
        {
            bool keep = region[i] != 0;
            _inP[i] = keep ? predicted[i] : (byte)0;
            _inT[i] = keep ? truth[i] : (byte)0;
            if (!keep) outside++;
        }
        var m = ImageMetrics.Compute(id, _inP, _inT, w, h, ClassNames.Count, _hd95, Convention);
        // Outside pixels were made background in both, so each is one true negative of every class and one "correct" pixel: take them back out.
        long inside = pixels - outside, correct = (long)Math.Round(m.PixelAccuracy * pixels) - outside;
        var classes = m.Classes.Select(c => c with { Counts = c.Counts with { TrueNegative = c.Counts.TrueNegative - outside } }).ToArray();
        return new ImageMetrics(id, classes, inside > 0 ? (double)correct / inside : double.NaN);
    }

    /// <summary>Counts a frame that could not be scored.</summary>
    public void Skip() => Skipped++;

    /// <summary>Counts a frame that could not be scored and keeps why.</summary>
    public void Skip(string reason)
    {
        Skipped++;
        if (_problems.Count < 20) _problems.Add(reason);
    }

    private string? OutOfRange(ReadOnlySpan<byte> labels, string what)
    {
        int classes = ClassNames.Count;
        if (classes > 255) return null;
        int at = labels.IndexOfAnyInRange((byte)classes, byte.MaxValue);
        return at < 0 ? null : $"{what} holds class id {labels[at]} at pixel {at}, but the session has {classes} classes (0–{classes - 1})";
    }

    public MetricsSummary Summarize() => _aggregator.Summarize();

    /// <summary>Scores every frame of a session against the ground truth stored in it.</summary>
    public static SessionScorer AgainstStoredTruth(RecordingReader reader, bool hd95 = false, CancellationToken ct = default,
                                                   Hd95Convention convention = Hd95Convention.Pooled)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var scorer = new SessionScorer(reader.Header.ClassNames, hd95, convention, reader.Header.Model?.Threshold ?? 0.5);
        var f = new FrameRecord();
        reader.Rewind();
        while (reader.ReadNext(f, FramePlanes.Labels | FramePlanes.Probabilities | FramePlanes.GroundTruth))
        {
            ct.ThrowIfCancellationRequested();
            if (!f.HasLabels || !f.HasGroundTruth)
            {
                scorer.Skip();
                continue;
            }
            // A frame that says where its ultrasound sector is gets scored inside it only.
            if (f.Geometry.Sector is { } sector && (sector.Width, sector.Height) == (f.Width, f.Height)) scorer.UseSector(sector);
            scorer.Add(f, f.GroundTruth, f.Width, f.Height);
        }
        return scorer;
    }
}
