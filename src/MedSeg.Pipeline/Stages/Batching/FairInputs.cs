using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// The batcher's inputs, one per stream, read round-robin: <see cref="TryRead"/> starts at the
/// stream after the one it served last, so every stream with a frame waiting is served within one
/// round whatever the others send.
/// </summary>
/// <remarks>
/// Memory: an idle wait allocates nothing. Each input keeps one outstanding <c>WaitToReadAsync</c>
/// across waits (a single-reader channel allows no more), asked without a token so the channel
/// hands out its reusable waiter instead of a new one per call; its completion, the one timer (for
/// a timeout) and the one cancellation registration all wake a single reusable
/// <see cref="IValueTaskSource{TResult}"/> (<see cref="ManualResetValueTaskSourceCore{TResult}"/>)
/// that the caller awaits directly. The wait it replaced allocated
/// a Task per input, a Task.Delay, a Task.WhenAny and a state machine every time the batcher found
/// its inputs empty, i.e. about once per live frame.
/// Not thread-safe: the batcher is its only user; the wake-ups arrive on other threads.
/// </remarks>
internal sealed class FairInputs : IValueTaskSource<bool>, IDisposable
{
    private readonly IReadOnlyList<ChannelReader<Frame>> _inputs;
    private readonly ValueTask<bool>[] _waits;
    private readonly bool[] _armed, _hooked, _done;
    private readonly Action _onReady;   // one delegate for every input's wait: made once, never per wait
    private readonly Timer _timer;
    private readonly CancellationToken _ct;
    private readonly CancellationTokenRegistration _cancel;
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private int _signaled = 1;   // 1: nobody is waiting, wake-ups are dropped
    private int _open, _next;
    private bool _timed;   // the pending wait started the timer

    public FairInputs(IReadOnlyList<ChannelReader<Frame>> inputs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _inputs = inputs;
        int n = inputs.Count;
        (_waits, _armed, _hooked, _done) = (new ValueTask<bool>[n], new bool[n], new bool[n], new bool[n]);
        _onReady = Wake;
        _open = n;
        _timer = new Timer(static s => ((FairInputs)s!).Wake(), this, Timeout.Infinite, Timeout.Infinite);
        _ct = ct;
        _cancel = ct.UnsafeRegister(static s => ((FairInputs)s!).WakeCancelled(), this);
    }

    /// <summary>The next frame in round-robin order, if any stream has one queued.</summary>
    public bool TryRead(out Frame frame)
    {
        for (int k = 0; k < _inputs.Count; k++)
        {
            int i = (_next + k) % _inputs.Count;
            if (_done[i] || !_inputs[i].TryRead(out frame!)) continue;
            _next = (i + 1) % _inputs.Count;
            return true;
        }
        frame = null!;
        return false;
    }

    /// <summary>
    /// Returns true when an input has a frame or something may have changed (a timeout passed after
    /// <paramref name="timeout"/>, an input ended): the caller looks again (<see cref="TryRead"/>, its
    /// clock). False once every input has completed. An input's error is thrown; so is the
    /// cancellation of the token given at construction.
    /// </summary>
    /// <remarks>Not an async method: a pending wait is this object's reusable source itself, so the
    /// caller's await allocates nothing (an async method would need a state machine per wait).</remarks>
    public ValueTask<bool> WaitAnyAsync(TimeSpan timeout)
    {
        while (true)
        {
            _ct.ThrowIfCancellationRequested();
            if (_open == 0) return new ValueTask<bool>(false);
            switch (TakeCompleted())
            {
                case true: return new ValueTask<bool>(true);
                case false: continue;   // an input ended: look again
            }
            // Nothing ready: arm the signal first, then hook the waits and the timer, so a wake-up
            // between the check above and the caller's await is not lost (a hook on a finished wait fires at once).
            _signal.Reset();
            Volatile.Write(ref _signaled, 0);
            for (int i = 0; i < _inputs.Count; i++)
            {
                if (_done[i] || _hooked[i]) continue;
                _hooked[i] = true;
                _waits[i].ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onReady);
            }
            _timed = timeout != Timeout.InfiniteTimeSpan;
            if (_timed) _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            return new ValueTask<bool>(this, _signal.Version);
        }
    }

    /// <summary>True: an input has a frame; false: an input completed; null: every wait is still pending (each input then has one).</summary>
    private bool? TakeCompleted()
    {
        for (int i = 0; i < _inputs.Count; i++)
        {
            if (_done[i]) continue;
            if (!_armed[i])
            {
                // No token: with one the channel allocates a waiter per call; cancellation wakes us through _cancel instead.
                _waits[i] = _inputs[i].WaitToReadAsync(CancellationToken.None);
                (_armed[i], _hooked[i]) = (true, false);
            }
            if (!_waits[i].IsCompleted) continue;
            _armed[i] = false;
            // Exactly once per wait (the channel then reuses its waiter); throws the input's error.
            if (_waits[i].GetAwaiter().GetResult()) return true;
            _done[i] = true;
            _open--;
            return false;
        }
        return null;
    }

    /// <summary>From a channel's waiter or the timer, on their threads: the first wake-up of a wait completes it.</summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0) _signal.SetResult(true);
    }

    /// <summary>From the token's registration: a pending wait throws (the one allocation, once per run).</summary>
    private void WakeCancelled()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0) _signal.SetException(new OperationCanceledException(_ct));
    }

    public void Dispose()
    {
        _cancel.Dispose();
        _timer.Dispose();
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        // The caller resumed: a timer still running would only wake a later wait for nothing.
        if (_timed)
        {
            _timed = false;
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
        _signal.GetResult(token);   // throws the cancellation
        // Settle what woke us here, on the caller's thread, so the next wait does not find a stale
        // "ready" (a frame the caller has read since): the finished waits are consumed now.
        while (TakeCompleted() is { } ready)
            if (ready) return true;
        return _open > 0;
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
