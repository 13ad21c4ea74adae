using System.Globalization;

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

    /// <summary>Parses the part after <c>recording:</c>: <c>FILE[?speed=N|fps=N|max=1][&amp;repeat=1][&amp;frames=N][&amp;truth=0]</c>.</summary>
    public static RecordingSourceOptions Parse(string rest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rest);
        int q = rest.LastIndexOf('?');
        var o = new RecordingSourceOptions { Path = q < 0 ? rest : rest[..q] };
        if (q < 0) return o.Validate();
        foreach (string pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"'{pair}' is not key=value", nameof(rest));
            string key = pair[..eq].ToLowerInvariant(), value = pair[(eq + 1)..];
            o = key switch
            {
                "speed" => o with { Pacing = ReplayPacing.Original, Speed = Number(key, value) },
                "fps" => o with { Pacing = ReplayPacing.FixedFps, Fps = Number(key, value) },
                "max" => Flag(key, value) ? o with { Pacing = ReplayPacing.AsFastAsPossible } : o,
                "repeat" => o with { Repeat = Flag(key, value) },
                "frames" => o with { Frames = (long)Number(key, value) },
                "truth" => o with { GroundTruth = Flag(key, value) },
                _ => throw new ArgumentException($"unknown recording option '{key}'; expected speed, fps, max, repeat, frames or truth", nameof(rest)),
            };
        }
        return o.Validate();
    }

    private static double Number(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new ArgumentException($"recording option {key}={value} is not a number");

    private static bool Flag(string key, string value) => value.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" => true,
        "0" or "false" or "no" => false,
        _ => throw new ArgumentException($"recording option {key}={value}: expected 1 or 0"),
    };
}
