using System.Diagnostics;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// The first message's sender timestamp and local arrival, which frame timestamps count from and
/// label maps are stamped against; set on the receive task, read on the sender's, hence the lock.
/// </summary>
internal sealed class IgtlClock
{
    private readonly Lock _gate = new();
    private ulong _firstTimestamp;
    private long _firstLocal;

    /// <summary>Time of a message relative to the first: the sender's clock when it sends one, else monotonic arrival time.</summary>
    public TimeSpan TimestampOf(ulong senderTimestamp, long captured)
    {
        ulong first;
        long firstLocal;
        lock (_gate)
        {
            if (_firstLocal == 0) (_firstLocal, _firstTimestamp) = (captured, senderTimestamp);
            (first, firstLocal) = (_firstTimestamp, _firstLocal);
        }
        if (senderTimestamp != 0 && first != 0 && senderTimestamp >= first)
            return IgtlHeader.ToTime(senderTimestamp) - IgtlHeader.ToTime(first);
        return TimeSpan.FromSeconds((captured - firstLocal) / (double)Stopwatch.Frequency);
    }

    /// <summary>The sender timestamp of a frame <paramref name="sourceTime"/> after the first message; wall-clock now when unknown.</summary>
    public ulong StampOf(TimeSpan? sourceTime)
    {
        ulong first;
        lock (_gate) first = _firstTimestamp;
        return sourceTime is { } t && first != 0
            ? IgtlHeader.FromTime(IgtlHeader.ToTime(first) + t)
            : IgtlHeader.FromTime(DateTime.UtcNow - DateTime.UnixEpoch);
    }
}
