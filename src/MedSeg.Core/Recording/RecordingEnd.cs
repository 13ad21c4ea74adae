namespace MedSeg.Core.Recording;

/// <summary>How the readable part of a session ends.</summary>
public enum RecordingEndKind
{
    /// <summary>A footer: the writer closed the session properly.</summary>
    Footer,
    /// <summary>The file ends exactly after a complete record, without a footer (the writer was stopped between records).</summary>
    CutOff,
    /// <summary>The file ends inside a record (the writer was killed while writing it); that record is lost.</summary>
    Truncated,
    /// <summary>A record failed its checksum or could not be parsed; nothing after it is trusted.</summary>
    Corrupt,
}

/// <summary>Where and why reading stopped.</summary>
/// <param name="Offset">Byte offset where the readable data ends: the first byte not recovered.</param>
/// <param name="LostBytes">Bytes from <paramref name="Offset"/> to the end of the file that were not read.</param>
public sealed record RecordingEnd(RecordingEndKind Kind, long Offset, long LostBytes, string Message)
{
    /// <summary>True when nothing was lost (a footer, or a clean cut between records).</summary>
    public bool Clean => Kind is RecordingEndKind.Footer or RecordingEndKind.CutOff;
}
