namespace MedSeg.Core.Recording;

/// <summary>The optional last record (kind 'E'): counts and an index of frame record offsets.</summary>
/// <param name="Frames">Frame records written.</param>
/// <param name="FramesAfterGap">Frames flagged DroppedUpstream (a gap in Seq before them).</param>
/// <param name="MissingSeq">Sequence numbers missing between the first and last frame (frames dropped upstream).</param>
/// <param name="Index">Byte offset of every frame record, in file order.</param>
public sealed record SessionFooter(
    long Frames, long FirstSeq, long LastSeq, TimeSpan FirstTimestamp, TimeSpan LastTimestamp,
    long FramesAfterGap, long MissingSeq, DateTimeOffset EndedUtc, IReadOnlyList<long> Index);
