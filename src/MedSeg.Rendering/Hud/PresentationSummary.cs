using MedSeg.Core.Timing;
using MedSeg.Rendering.Capture;

namespace MedSeg.Rendering.Hud;

/// <summary>What reached the screen over a run (see <see cref="PresentationStats.Summarize"/>).</summary>
/// <param name="FramesPresented">New frames drawn.</param>
/// <param name="FramesNotShown">Frames between those drawn that never were (dropped upstream, replaced in the mailbox, taken while paused).</param>
/// <param name="CaptureToScreen">Latency from capture to the draw that showed the frame, in ms.</param>
/// <param name="Capture">What happened to the video / PNG captures (read back, skipped, dropped by the encoder queue, written); null = not known.</param>
/// <param name="Frames">Per frame shown, its stage stamps and the GC counters (<see cref="FrameTimeline"/>); null = not kept.</param>
/// <param name="Jit">What the JIT compiled, on any thread, while the frames were shown; null = not measured.</param>
/// <param name="Steal">CPU time the hypervisor took from this VM while the frames were shown; null = not measured or not a Linux.</param>
public sealed record PresentationSummary(long FramesPresented, long FramesNotShown, LatencySummary CaptureToScreen, CaptureSummary? Capture = null,
    IReadOnlyList<FrameTimelineEntry>? Frames = null, JitActivity? Jit = null, CpuSteal? Steal = null);
