using MedSeg.Imaging.Phantoms;

namespace MedSeg.Pipeline.Sources;

/// <summary>Options of <see cref="SyntheticSource"/>; the spec <c>synthetic:lesion?fps=25&amp;frames=1000&amp;size=128&amp;seed=1</c>.</summary>
public sealed record SyntheticSourceOptions
{
    public SyntheticTask Task { get; init; } = SyntheticTask.Lesion;
    /// <summary>Frames per second on the monotonic clock; 0 = as fast as possible.</summary>
    public double Fps { get; init; } = 25;
    /// <summary>Frames to produce; 0 = until cancelled.</summary>
    public long Frames { get; init; }
    /// <summary>Square frame side in pixels.</summary>
    public int Size { get; init; } = 128;
    public int Seed { get; init; } = 1;
    /// <summary>
    /// Render this many frames once, before streaming, and play them as a cine loop; 0 renders
    /// every frame live. A loop takes the phantom renderer (milliseconds of CPU per frame) off the
    /// streaming path, so a benchmark measures the pipeline, not the simulator.
    /// </summary>
    public int Loop { get; init; }
    /// <summary>Ultrasound only: emit pre-scan frames (Size / 2 beam lines × Size depth samples) with the
    /// probe's sector in their geometry, instead of the scan-converted image.</summary>
    public bool PreScan { get; init; }

    public SyntheticSourceOptions Validate()
    {
        if (!Enum.IsDefined(Task)) throw new ArgumentOutOfRangeException(nameof(Task), Task, "unknown synthetic task");
        if (!(Fps >= 0) || double.IsInfinity(Fps)) throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be ≥ 0 (0 = as fast as possible)");
        if (Frames < 0) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "must be ≥ 0 (0 = unlimited)");
        if (Loop < 0 || Loop > 100_000) throw new ArgumentOutOfRangeException(nameof(Loop), Loop, "must be 0–100000 (0 = render live)");
        if (Size < SyntheticImages.MinSize || Size > 4096) throw new ArgumentOutOfRangeException(nameof(Size), Size, $"must be {SyntheticImages.MinSize}–4096");
        if (PreScan && Task != SyntheticTask.Lesion) throw new ArgumentOutOfRangeException(nameof(PreScan), PreScan, "pre-scan frames exist for the ultrasound (lesion) task only");
        return this;
    }
}
