using MedSeg.Core.Frames;
using MedSeg.Rendering.Hud;

namespace MedSeg.Rendering;

/// <summary>One stream of a (tiled) <see cref="OverlayViewer"/>: its provider, textures, HUD and counters.</summary>
/// <remarks>GL thread only. The textures live in the stream's own <see cref="OverlayRenderer"/>; the
/// programs are shared by every stream of the viewer.</remarks>
internal sealed class StreamView(int index, IFrameProvider provider, OverlayRenderer renderer, HudRenderer? hud, TimeSpan latencyWindow) : IDisposable
{
    public int Index { get; } = index;

    public IFrameProvider Provider { get; } = provider ?? throw new ArgumentNullException(nameof(provider));

    public OverlayRenderer Renderer { get; } = renderer;

    public HudRenderer? Hud { get; } = hud;

    public PresentationStats Stats { get; } = new(latencyWindow);

    /// <summary>Every shown frame's stage stamps (the data behind <see cref="Stats"/>'s percentiles).</summary>
    public FrameTimeline Timeline { get; } = new();

    /// <summary>Empties <see cref="Stats"/> and <see cref="Timeline"/>, keeping their buffers: the warm-up's frames are not the run's.</summary>
    public void ResetCounters()
    {
        Stats.Reset();
        Timeline.Reset();
    }

    /// <summary>When <see cref="Fresh"/> was taken from the provider.</summary>
    public long TakenAt { get; set; }

    public HudInfo HudInfo { get; set; } = new();

    /// <summary>Taken by BeginDraw, drawn and released by Draw in the same tick.</summary>
    public Frame? Fresh { get; set; }

    /// <summary>The provider was completed when this tick began (read before taking, so a frame posted before completion is surely seen).</summary>
    public bool SourceCompleted { get; set; }

    public void Dispose()
    {
        Fresh?.Dispose();
        Fresh = null;
        Hud?.Dispose();
        Renderer.Dispose();
    }
}
