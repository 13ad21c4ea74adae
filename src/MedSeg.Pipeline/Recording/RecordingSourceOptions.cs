using MedSeg.Core.Specs;

namespace MedSeg.Pipeline.Recording;

/// <summary>Options of <see cref="RecordingSource"/>; the spec <c>recording:FILE?speed=2&amp;fps=30&amp;max=1&amp;repeat=1&amp;frames=100</c>.</summary>
public sealed record RecordingSourceOptions
{
    public required string Path { get; init; }

    public ReplayPacing Pacing { get; init; } = ReplayPacing.Original;

    /// <summary>Frame rate under <see cref="ReplayPacing.FixedFps"/>.</summary>
    public double Fps { get; init; } = 25;

    /// <summary>Playback speed under <see cref="ReplayPacing.Original"/>: 2 = twice as fast.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Start again at the end (seq and timestamps keep increasing) until <see cref="Frames"/> or cancellation.</summary>
    public bool Repeat { get; init; }

    /// <summary>Frames to play; 0 = the whole session once (or forever with <see cref="Repeat"/>).</summary>
    public long Frames { get; init; }

    /// <summary>Attach the recorded ground truth to the frames that have one.</summary>
    public bool GroundTruth { get; init; } = true;

    public RecordingSourceOptions Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path, nameof(Path));
        if (!Enum.IsDefined(Pacing)) throw new ArgumentOutOfRangeException(nameof(Pacing), Pacing, "unknown pacing");
        if (!(Fps > 0) || double.IsInfinity(Fps)) throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be > 0");
        if (!(Speed > 0) || double.IsInfinity(Speed)) throw new ArgumentOutOfRangeException(nameof(Speed), Speed, "must be > 0");
        if (Frames < 0) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "must be ≥ 0 (0 = whole session)");
        return this;
    }

    /// <summary>Parses the part after <c>recording:</c>: <c>FILE[?speed=N|fps=N|max=1][&amp;repeat=1][&amp;frames=N][&amp;truth=0]</c>
    /// (the query syntax and boolean words of every source spec, <see cref="SpecQuery"/>).</summary>
    public static RecordingSourceOptions Parse(string rest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rest);
        var (path, query) = SpecQuery.Split("recording", rest);
        var o = new RecordingSourceOptions { Path = path };
        if (query.Get<double>("speed") is { } speed) o = o with { Pacing = ReplayPacing.Original, Speed = speed };
        if (query.Get<double>("fps") is { } fps) o = o with { Pacing = ReplayPacing.FixedFps, Fps = fps };
        if (query.GetBool("max") == true) o = o with { Pacing = ReplayPacing.AsFastAsPossible };
        if (query.GetBool("repeat") is { } repeat) o = o with { Repeat = repeat };
        if (query.Get<long>("frames") is { } frames) o = o with { Frames = frames };
        if (query.GetBool("truth") is { } truth) o = o with { GroundTruth = truth };
        query.EnsureConsumed("speed", "fps", "max", "repeat", "frames", "truth");
        return o.Validate();
    }
}
