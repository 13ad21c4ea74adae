using System.Diagnostics;

namespace MedSeg.Core.Frames;

/// <summary>
/// When a frame passed each stage, in <see cref="Stopwatch.GetTimestamp"/> ticks; 0 = not reached.
/// </summary>
/// <remarks>
/// Every stamp comes from the same monotonic clock (<see cref="Now"/>), so any two can be
/// subtracted and every latency figure in the product is comparable. Wall-clock time
/// (DateTime) never enters a latency: it jumps with NTP and daylight saving.
/// Order along the pipeline: Captured ≤ Queued ≤ Preprocessed ≤ Batched ≤ InferenceStart ≤
/// InferenceEnd ≤ Postprocessed ≤ Presented / Recorded (the last two are set by the sinks).
/// </remarks>
public struct StageTimes
{
    /// <summary>The source acquired (or generated) the frame.</summary>
    public long Captured;
    /// <summary>The source handed it to the pipeline's first channel.</summary>
    public long Queued;
    /// <summary>Network input written.</summary>
    public long Preprocessed;
    /// <summary>Its batch was closed.</summary>
    public long Batched;
    public long InferenceStart;
    public long InferenceEnd;
    /// <summary>Final labels written (smoothing, components, holes done).</summary>
    public long Postprocessed;
    /// <summary>Drawn on screen (set by the renderer).</summary>
    public long Presented;
    /// <summary>Written to the session file (set by the recorder).</summary>
    public long Recorded;

    /// <summary>The one clock all stamps use.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Milliseconds from <paramref name="from"/> to <paramref name="to"/> (ticks of <see cref="Now"/>).</summary>
    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Captured → Postprocessed in ms, or NaN when either is missing.</summary>
    public readonly double EndToEndMs => Captured != 0 && Postprocessed != 0 ? Milliseconds(Captured, Postprocessed) : double.NaN;

    /// <summary>True when the stamps that are set never go backwards along the pipeline order.</summary>
    public readonly bool IsMonotonic()
    {
        ReadOnlySpan<long> order = [Captured, Queued, Preprocessed, Batched, InferenceStart, InferenceEnd, Postprocessed];
        long last = 0;
        foreach (long t in order)
        {
            if (t == 0) continue;
            if (t < last) return false;
            last = t;
        }
        return (Presented == 0 || Presented >= last) && (Recorded == 0 || Recorded >= last);
    }
}
