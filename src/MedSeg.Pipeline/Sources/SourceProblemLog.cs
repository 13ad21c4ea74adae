using MedSeg.Imaging.Formats;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedSeg.Pipeline.Sources;

/// <summary>What a source skipped (a corrupt file, an odd-sized slice, a message with a bad CRC) and why.</summary>
/// <remarks>
/// A live pipeline drops a bad item, counts it and keeps going; this is where the count lives.
/// The first <c>maxExamples</c> items are kept and logged, later ones only every 1000th, so a
/// stream of garbage cannot flood the log. Thread-safe.
/// </remarks>
public sealed class SourceProblemLog
{
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly int _maxExamples;
    private readonly List<SkippedItem> _examples = [];
    private readonly Lock _gate = new();
    private long _total;

    public SourceProblemLog(string source, ILogger? logger = null, int maxExamples = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxExamples);
        _source = source;
        _logger = logger ?? NullLogger.Instance;
        _maxExamples = maxExamples;
    }

    /// <summary>Items skipped so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyList<SkippedItem> Examples()
    {
        lock (_gate) return _examples.ToArray();
    }

    public void Record(string item, string reason)
    {
        long n = Interlocked.Increment(ref _total);
        if (n <= _maxExamples)
        {
            lock (_gate) _examples.Add(new SkippedItem(item, reason));
            _logger.LogWarning("{Source}: skipped {Item}: {Reason}; the stream goes on", _source, item, reason);
        }
        else if (n % 1000 == 0)
        {
            _logger.LogWarning("{Source}: {Count} items skipped so far; latest {Item}: {Reason}", _source, n, item, reason);
        }
    }
}
