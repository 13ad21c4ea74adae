using System.Runtime.InteropServices;

namespace MedSeg.Pipeline.Shutdown;

/// <summary>
/// Turns SIGINT / SIGTERM into a clean stop: the first signal cancels <see cref="Token"/> (the
/// session stops its source, drains what is in flight, closes its recording and prints its
/// report); a second signal, or a drain longer than the grace period, ends the process at once.
/// </summary>
/// <remarks>
/// Without this, .NET's default for SIGINT kills the process within milliseconds and a recording
/// loses its footer, index and trailer (its frames stay recoverable). What a hard exit leaves is
/// still readable: every record that reached the file is complete or detectably cut off.
/// One per process (the signals are process-wide); dispose it to restore the default disposition.
/// Notes: a process that inherits SIGINT as ignored (a `&amp;` job of a non-interactive shell) never
/// sees it; SIGTERM still works.
/// </remarks>
public sealed class GracefulShutdown : IDisposable
{
    /// <summary>How long a stopping session may take to drain and close before the process exits anyway.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TimeSpan _grace;
    private readonly TextWriter _notices;
    private readonly Action<int> _exit;
    private Timer? _graceTimer;
    private int _signals;

    /// <param name="grace">How long the drain may take after the first signal.</param>
    /// <param name="notices">Where the "stopping…" lines go (default: standard error).</param>
    /// <param name="exit">How the process ends when the grace period runs out (default: <see cref="Environment.Exit"/>); for tests.</param>
    public GracefulShutdown(TimeSpan? grace = null, TextWriter? notices = null, Action<int>? exit = null)
    {
        _grace = grace ?? DefaultGrace;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_grace, TimeSpan.Zero, nameof(grace));
        _notices = notices ?? Console.Error;
        _exit = exit ?? Environment.Exit;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The signal that asked to stop ("SIGINT", "SIGTERM"); null while none has.</summary>
    public string? Reason { get; private set; }

    public bool Requested => _stop.IsCancellationRequested;

    /// <summary>Asks for a clean stop as if a signal had come (the first one).</summary>
    public void Request(string reason)
    {
        if (Interlocked.Increment(ref _signals) != 1) return;
        Reason = reason;
        _notices.WriteLine($"{reason}: stopping — draining frames in flight and closing the session (up to {_grace.TotalSeconds:0.#} s); press Ctrl+C again to quit at once");
        _graceTimer = new Timer(_ =>
        {
            _notices.WriteLine($"the session did not stop within {_grace.TotalSeconds:0.#} s of {reason}; exiting (a recording keeps every complete record)");
            _exit(130);
        }, null, _grace, Timeout.InfiniteTimeSpan);
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _graceTimer?.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        string name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        if (Volatile.Read(ref _signals) == 0)
        {
            context.Cancel = true; // keep the process alive to drain
            Request(name);
            return;
        }
        // A second signal: the default disposition ends the process now.
        _notices.WriteLine($"{name} again: exiting now");
        context.Cancel = false;
    }
}
