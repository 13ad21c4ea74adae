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
        int w = frame.MaskWidth, h = frame.MaskHeight;
        ReadOnlySpan<byte> truth = reference;
        if (referenceWidth != w || referenceHeight != h)
        {
            if (_resized.Length != w * h) _resized = new byte[w * h];
            MaskResize.NearestExact(reference, referenceWidth, referenceHeight, _resized, w, h);
            truth = _resized;
        }
        // A damaged or foreign mask must cost one frame, not the run.
        if ((OutOfRange(frame.Labels.AsSpan(0, w * h), "prediction") ?? OutOfRange(truth[..Math.Min(truth.Length, w * h)], "reference")) is { } bad)
        {
            Skip($"frame {frame.Seq}: {bad}");
            return null;
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
