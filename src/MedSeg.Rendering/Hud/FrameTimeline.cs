using MedSeg.Core.Frames;

namespace MedSeg.Rendering.Hud;

/// <summary>
/// Every stage stamp of each frame shown, plus when the view took it, began drawing it and had
/// presented it, and the garbage collector's counters at that moment: the raw data behind the
/// capture → screen percentiles, so a slow frame can be traced to the stage (or the GC) that made it slow.
/// </summary>
/// <remarks>
/// Memory: one array of <see cref="Capacity"/> rows, allocated here; <see cref="Record"/> allocates
/// nothing. The first <see cref="Capacity"/> frames are kept (a demo's whole run), later ones only
/// counted. GL thread only.
/// </remarks>
public sealed class FrameTimeline
{
    private readonly Row[] _rows;
    private int _count;

    public FrameTimeline(int capacity = 16_384)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _rows = new Row[capacity];
    }

    public int Capacity => _rows.Length;

    /// <summary>Frames recorded (at most <see cref="Capacity"/>).</summary>
    public int Count => _count;

    /// <summary>Frames shown after the timeline was full.</summary>
    public long Overflow { get; private set; }

    /// <summary>Forgets every row (after a warm-up's frames); the array is kept.</summary>
    public void Reset() => (_count, Overflow) = (0, 0);

    /// <summary>Records one presented frame; <paramref name="taken"/>, <paramref name="drawStart"/>, <paramref name="swapStart"/> and
    /// <paramref name="presented"/> are ticks of <see cref="StageTimes.Now"/>.</summary>
    public void Record(long seq, in StageTimes times, long taken, long drawStart, long swapStart, long presented)
    {
        if (_count == _rows.Length)
        {
            Overflow++;
            return;
        }
        // The counters are cumulative: a step between two rows is a collection (and its pause) in between.
        _rows[_count++] = new Row(seq, times, taken, drawStart, swapStart, presented,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().Ticks);
    }

    /// <summary>The rows in milliseconds since each frame's capture (NaN for a stage it did not pass),
    /// times relative to the first frame's capture.</summary>
    public FrameTimelineEntry[] Entries()
    {
        var entries = new FrameTimelineEntry[_count];
        long origin = _count > 0 ? _rows[0].Times.Captured : 0;
        for (int i = 0; i < _count; i++)
        {
            ref readonly var r = ref _rows[i];
            long c = r.Times.Captured;
            double Since(long t) => t == 0 || c == 0 ? double.NaN : Math.Round(StageTimes.Milliseconds(c, t), 3);
            entries[i] = new FrameTimelineEntry(r.Seq, c == 0 ? double.NaN : Math.Round(StageTimes.Milliseconds(origin, c), 3),
                Since(r.Times.Queued), Since(r.Times.Preprocessed), Since(r.Times.Batched), Since(r.Times.InferenceStart),
                Since(r.Times.InferenceEnd), Since(r.Times.Postprocessed), Since(r.Taken), Since(r.DrawStart), Since(r.SwapStart), Since(r.Presented),
                r.Gen0, r.Gen1, r.Gen2, Math.Round(TimeSpan.FromTicks(r.GcPauseTicks).TotalMilliseconds, 3));
        }
        return entries;
    }

    private readonly record struct Row(long Seq, StageTimes Times, long Taken, long DrawStart, long SwapStart, long Presented,
        int Gen0, int Gen1, int Gen2, long GcPauseTicks);
}
