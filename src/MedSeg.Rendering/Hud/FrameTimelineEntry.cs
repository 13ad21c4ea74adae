namespace MedSeg.Rendering.Hud;

/// <summary>One frame shown: when it was captured (ms after the first frame shown was) and, in ms
/// after its own capture, when it reached each stage, the view took it, began drawing it, began
/// the swap and had presented it; the GC's cumulative collection counts and pause total at presentation.</summary>
public readonly record struct FrameTimelineEntry(
    long Seq, double Captured,
    double Queued, double Preprocessed, double Batched, double InferenceStart, double InferenceEnd, double Postprocessed,
    double Taken, double DrawStart, double SwapStart, double Presented,
    int Gen0, int Gen1, int Gen2, double GcPauseMs);
