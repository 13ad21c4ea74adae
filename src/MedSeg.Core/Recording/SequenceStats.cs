using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>
/// The sequence counts of a session's frames in file order: first and last seq and timestamp,
/// sequence numbers missing in between, frames flagged after a gap. The writer's footer and
/// `medseg info`'s scan count them with this one rule, so they agree.
/// </summary>
internal struct SequenceStats()
{
    public long Frames;
    public long FirstSeq = -1, LastSeq = -1;
    public TimeSpan FirstTimestamp, LastTimestamp;
    /// <summary>Frames flagged <see cref="FrameFlags.DroppedUpstream"/>.</summary>
    public long FramesAfterGap;
    /// <summary>Sequence numbers skipped between the first and the last frame.</summary>
    public long MissingSeq;

    public void Add(long seq, TimeSpan timestamp, FrameFlags flags)
    {
        if (Frames++ == 0) (FirstSeq, FirstTimestamp) = (seq, timestamp);
        else if (seq > LastSeq + 1) MissingSeq += seq - LastSeq - 1;
        if ((flags & FrameFlags.DroppedUpstream) != 0) FramesAfterGap++;
        (LastSeq, LastTimestamp) = (Math.Max(LastSeq, seq), timestamp);
    }
}
