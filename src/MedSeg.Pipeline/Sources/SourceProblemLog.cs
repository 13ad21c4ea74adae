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
    private readonly Queue<string> _events = new();
    private SkippedItem? _last;
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

    /// <summary>The most recent skipped item, null before the first.</summary>
    public SkippedItem? Last
    {
        get { lock (_gate) return _last; }
    }

    /// <summary>The source's own events (connected, lost, reconnecting…), the latest <c>maxExamples</c>·2 kept, oldest first.</summary>
    public IReadOnlyList<string> Events()
    {
        lock (_gate) return _events.ToArray();
    }

    /// <summary>Notes a state change of the source (not a skipped item): kept for the report and logged.</summary>
    public void Event(string what)
    {
        lock (_gate)
        {
            _events.Enqueue(what);
            while (_events.Count > Math.Max(2 * _maxExamples, 8)) _events.Dequeue();
        }
        _logger.LogInformation("{Source}: {Event}", _source, what);
    }

    public void Record(string item, string reason)
    {
        long n = Interlocked.Increment(ref _total);
        lock (_gate) _last = new SkippedItem(item, reason);
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
