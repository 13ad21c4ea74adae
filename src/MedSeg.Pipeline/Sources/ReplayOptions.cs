namespace MedSeg.Pipeline.Sources;

/// <summary>Options of <see cref="SliceStackSource"/>: <c>?fps=25&amp;play=once|loop|pingpong&amp;frames=0</c>.</summary>
public sealed record ReplayOptions
{
    /// <summary>Frames per second on the monotonic clock; 0 = as fast as the pipeline takes them.</summary>
    public double Fps { get; init; } = 25;

    public Playback Playback { get; init; } = Playback.Once;

    /// <summary>Frames to produce at most; 0 = no limit (a looping replay then runs until cancelled).</summary>
    public long Frames { get; init; }

    public ReplayOptions Validate()
    {
        if (!(Fps >= 0) || double.IsInfinity(Fps)) throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be ≥ 0 (0 = as fast as possible)");
        if (!Enum.IsDefined(Playback)) throw new ArgumentOutOfRangeException(nameof(Playback), Playback, "unknown playback");
        if (Frames < 0) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "must be ≥ 0 (0 = unlimited)");
        return this;
    }

    /// <summary>The slice shown as frame <paramref name="seq"/> of a stack of <paramref name="count"/>, or -1 once a single pass is over.</summary>
    public int SliceAt(long seq, int count)
    {
        if (count <= 0) return -1;
        return Playback switch
        {
            Playback.Once => seq < count ? (int)seq : -1,
            Playback.Loop => (int)(seq % count),
            _ when count == 1 => 0,
            _ => (int)(seq % (2L * count - 2)) is var p && p < count ? p : 2 * count - 2 - p,
        };
    }
}
