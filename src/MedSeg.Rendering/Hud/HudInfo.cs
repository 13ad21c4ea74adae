using System.Globalization;

namespace MedSeg.Rendering.Hud;

/// <summary>The figures the HUD shows; the viewer fills it a few times a second.</summary>
public sealed record HudInfo
{
    /// <summary>Frames presented per second (display rate, not inference rate).</summary>
    public double Fps { get; init; } = double.NaN;

    /// <summary>End-to-end latency (captured → presented) over the last seconds, ms; NaN when unknown.</summary>
    public double LatencyMedianMs { get; init; } = double.NaN;

    public double LatencyP99Ms { get; init; } = double.NaN;

    /// <summary>Frames that never reached the screen (gaps in the sequence numbers seen).</summary>
    public long DroppedFrames { get; init; }

    public string ModelName { get; init; } = "";

    public string Device { get; init; } = "";

    /// <summary>Sequence number of the frame on screen; −1 before the first.</summary>
    public long FrameNumber { get; init; } = -1;

    /// <summary>Mode, opacity, PAUSED / REC flags.</summary>
    public string Status { get; init; } = "";

    /// <summary>What the stream's source is doing and what it skipped (<see cref="IFrameProvider.SourceStatus"/>); empty = no line.</summary>
    public string Source { get; init; } = "";

    /// <summary>Lines <see cref="ToLines"/> gives: five, then the source's state and what it skipped.</summary>
    public const int LineCount = 7;

    /// <summary>The HUD's text, one string per line.</summary>
    public string[] ToLines()
    {
        var c = CultureInfo.InvariantCulture;
        return
        [
            string.Format(c, "fps {0:0.0}   frame {1}", Fps, FrameNumber < 0 ? "-" : FrameNumber.ToString(c)),
            string.Format(c, "latency p50 {0:0.0} ms  p99 {1:0.0} ms", LatencyMedianMs, LatencyP99Ms),
            string.Format(c, "dropped {0}", DroppedFrames),
            $"model {(ModelName.Length == 0 ? "-" : ModelName)}  device {(Device.Length == 0 ? "-" : Device)}",
            Status,
            .. SourceLines(),
        ];
    }

    // "connected · skipped 3 (last: …)": the state on one line, the skips on the next, so neither is cut off.
    private string[] SourceLines()
    {
        if (Source.Length == 0) return ["", ""];
        int split = Source.IndexOf(" · ", StringComparison.Ordinal);
        return split < 0 ? [$"source {Source}", ""] : [$"source {Source[..split]}", Source[(split + 3)..]];
    }
}
