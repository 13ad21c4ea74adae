using MedSeg.Core.Metrics;

namespace MedSeg.Core.Recording;

/// <summary>
/// Scores recorded predictions against reference masks with <see cref="ImageMetrics"/> and
/// <see cref="MetricsAggregator"/>, the code `medseg eval` uses, so the numbers agree.
/// </summary>
/// <remarks>
/// Scoring happens at the prediction's size (the model's input size), like eval: a reference of
/// another size is resized with <see cref="MaskResize.NearestExact"/> (the preprocessor's mask
/// resize). Memory: one resize buffer, reused. Not thread-safe.
/// </remarks>
public sealed class SessionScorer
{
    private readonly MetricsAggregator _aggregator;
    private readonly List<FrameScore> _frames = [];
    private readonly bool _hd95;
    private byte[] _resized = [];

    public SessionScorer(IReadOnlyList<string> classNames, bool hd95 = false)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ClassNames = classNames;
        _aggregator = new MetricsAggregator(classNames.Count, classNames);
        _hd95 = hd95;
    }

    public IReadOnlyList<string> ClassNames { get; }

    public IReadOnlyList<FrameScore> Frames => _frames;

    /// <summary>Frames that had no prediction or no reference and were left out.</summary>
    public long Skipped { get; private set; }

    /// <summary>Scores the frame's labels (which must be decoded) against <paramref name="reference"/>.</summary>
    public FrameScore Add(FrameRecord frame, ReadOnlySpan<byte> reference, int referenceWidth, int referenceHeight)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.HasLabels || frame.Labels is null) throw new ArgumentException($"frame {frame.Seq} has no decoded prediction", nameof(frame));
        int w = frame.MaskWidth, h = frame.MaskHeight;
        ReadOnlySpan<byte> truth = reference;
        if (referenceWidth != w || referenceHeight != h)
        {
            if (_resized.Length != w * h) _resized = new byte[w * h];
            MaskResize.NearestExact(reference, referenceWidth, referenceHeight, _resized, w, h);
            truth = _resized;
        }
        string id = RecordingFormat.FrameId(frame.Seq);
        var metrics = ImageMetrics.Compute(id, frame.Labels, truth, w, h, ClassNames.Count, _hd95);
        _aggregator.Add(metrics);
        var score = new FrameScore(frame.Seq, frame.Timestamp, metrics);
        _frames.Add(score);
        return score;
    }

    /// <summary>Counts a frame that could not be scored.</summary>
    public void Skip() => Skipped++;

    public MetricsSummary Summarize() => _aggregator.Summarize();

    /// <summary>Scores every frame of a session against the ground truth stored in it.</summary>
    public static SessionScorer AgainstStoredTruth(RecordingReader reader, bool hd95 = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var scorer = new SessionScorer(reader.Header.ClassNames, hd95);
        var f = new FrameRecord();
        reader.Rewind();
        while (reader.ReadNext(f, FramePlanes.Labels | FramePlanes.GroundTruth))
        {
            ct.ThrowIfCancellationRequested();
            if (f.HasLabels && f.HasGroundTruth) scorer.Add(f, f.GroundTruth, f.Width, f.Height);
            else scorer.Skip();
        }
        return scorer;
    }
}
