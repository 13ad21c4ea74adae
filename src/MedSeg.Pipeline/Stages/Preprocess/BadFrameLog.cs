using MedSeg.Core.Frames;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedSeg.Pipeline.Stages;

/// <summary>Counts bad frames per reason, keeps the first few for the report and logs them.</summary>
/// <remarks>Logs each of the first <c>maxExamples</c> frames, then every 1000th, so a stream of
/// garbage cannot flood the log. Thread-safe.</remarks>
public sealed class BadFrameLog
{
    private readonly ILogger _logger;
    private readonly int _maxExamples;
    private readonly long[] _byReason = new long[Enum.GetValues<FrameDropReason>().Length];
    private readonly List<BadFrame> _examples = [];
    private readonly Lock _gate = new();
    private long _total;

    public BadFrameLog(ILogger? logger = null, int maxExamples = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxExamples);
        _logger = logger ?? NullLogger.Instance;
        _maxExamples = maxExamples;
    }

    public long Total => Interlocked.Read(ref _total);

    public long Count(FrameDropReason reason) => Interlocked.Read(ref _byReason[(int)reason]);

    /// <summary>Reasons seen at least once, with their counts.</summary>
    public IReadOnlyDictionary<FrameDropReason, long> ByReason()
    {
        var result = new Dictionary<FrameDropReason, long>();
        foreach (var reason in Enum.GetValues<FrameDropReason>())
            if (Count(reason) > 0) result[reason] = Count(reason);
        return result;
    }

    public IReadOnlyList<BadFrame> Examples()
    {
        lock (_gate) return _examples.ToArray();
    }

    /// <summary>Records a frame already marked with <see cref="Frame.MarkBad"/>.</summary>
    public void Record(Frame frame)
    {
        var bad = new BadFrame(frame.Info.Seq, frame.DropReason, frame.DropDetail ?? "");
        Interlocked.Increment(ref _byReason[(int)bad.Reason]);
        long n = Interlocked.Increment(ref _total);
        if (n <= _maxExamples)
        {
            lock (_gate) _examples.Add(bad);
            _logger.LogWarning("Dropped bad frame {Seq}: {Reason} ({Detail}); the stream goes on", bad.Seq, bad.Reason, bad.Detail);
        }
        else if (n % 1000 == 0)
        {
            _logger.LogWarning("{Count} bad frames dropped so far; latest {Seq}: {Reason} ({Detail})", n, bad.Seq, bad.Reason, bad.Detail);
        }
    }
}
