using MedSeg.Rendering.Capture;

namespace MedSeg.Rendering;

/// <summary>Options of <see cref="OverlayViewer"/>; validated once by <see cref="Validate"/> in its constructor.</summary>
public sealed class OverlayViewerOptions
{
    /// <summary>Shown on the HUD.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>Inference device shown on the HUD ("cpu", "cuda").</summary>
    public string Device { get; init; } = "";

    /// <summary>Folder of the .vert/.frag files; null = next to the assemblies.</summary>
    public string? ShaderDirectory { get; init; }

    public bool ShowHud { get; init; } = true;

    /// <summary>Span of the HUD's latency median / p99 (default: 2 s).</summary>
    public TimeSpan LatencyWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the HUD text changes (default 250 ms): readable, and re-rasterised rarely.</summary>
    public TimeSpan HudRefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Opacity change per +/− key press.</summary>
    public float OpacityStep { get; init; } = 0.1f;

    /// <summary>Where the S key saves PNGs.</summary>
    public string ScreenshotDirectory { get; init; } = "screenshots";

    /// <summary>Every N-th new frame is saved as PNG to <see cref="SnapshotDirectory"/>; 0 = never.</summary>
    public int SnapshotEvery { get; init; }

    public string? SnapshotDirectory { get; init; }

    /// <summary>An MP4 of every new frame drawn (the overlay as shown, HUD included); null = none.</summary>
    public string? VideoPath { get; init; }

    public double VideoFps { get; init; } = 30;

    public VideoEncoder VideoEncoder { get; init; } = VideoEncoder.Auto;

    /// <summary>Pixel buffers the asynchronous read-back cycles through (default 3): a capture finds one free unless the GPU is that many frames behind, when it is skipped and counted.</summary>
    public int ReadbackRing { get; init; } = 3;

    /// <summary>Read-back frames the encoder thread may have queued (default 4); when it falls further behind the oldest is dropped and counted.</summary>
    public int EncoderQueue { get; init; } = 4;

    /// <summary>Where captures go instead of the files (video, PNGs) the options name; null = those files. For tests and embedding.</summary>
    public ICaptureSink? CaptureSink { get; init; }

    /// <summary>Stop once every stream has drawn this many new frames (or its source ended); 0 = no limit.</summary>
    public long MaxFrames { get; init; }

    /// <summary>Stop once the provider is completed and its last frame was drawn (headless runs; a window may prefer to stay open).</summary>
    public bool ExitWhenSourceCompletes { get; init; } = true;

    /// <summary>
    /// Set: a tick that finds no new frame and nothing changed (no key, no screenshot asked for, the
    /// window not exposed or resized) skips its draw and sleeps this long. Zero suits a window, where
    /// the fixed step already paces the loop; headless runs need a real wait, since nothing else paces
    /// them (redrawing the same picture as fast as llvmpipe allows took most of a core from the
    /// pipeline on 2 cores). Null (default): draw every tick, as games do.
    /// </summary>
    public TimeSpan? IdleWait { get; init; }

    public void Validate()
    {
        if (IdleWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleWait), IdleWait, "must not be negative");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LatencyWindow, TimeSpan.Zero, nameof(LatencyWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(HudRefreshInterval, TimeSpan.Zero, nameof(HudRefreshInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(SnapshotEvery, nameof(SnapshotEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxFrames, nameof(MaxFrames));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(VideoFps, nameof(VideoFps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReadbackRing, nameof(ReadbackRing));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EncoderQueue, nameof(EncoderQueue));
        if (SnapshotEvery > 0 && string.IsNullOrEmpty(SnapshotDirectory))
            throw new ArgumentException("SnapshotEvery needs a SnapshotDirectory", nameof(SnapshotDirectory));
    }
}
