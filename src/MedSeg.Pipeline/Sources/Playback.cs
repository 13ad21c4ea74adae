namespace MedSeg.Pipeline.Sources;

/// <summary>How a replay walks its slices.</summary>
public enum Playback
{
    /// <summary>First to last, then the stream ends.</summary>
    Once,
    /// <summary>First to last, again and again.</summary>
    Loop,
    /// <summary>Forth and back like a cine loop (0 1 2 … n−1 n−2 … 1 0 1 …), endlessly.</summary>
    PingPong,
}
