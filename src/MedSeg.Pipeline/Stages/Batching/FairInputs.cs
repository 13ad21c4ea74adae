using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// The batcher's inputs, one per stream, read round-robin: <see cref="TryRead"/> starts at the
/// stream after the one it served last, so every stream with a frame waiting is served within one
/// round whatever the others send.
/// </summary>
/// <remarks>
/// One outstanding <c>WaitToReadAsync</c> per input is kept across waits (a single-reader channel
/// allows no more), so a wait that a timeout ended is picked up again by the next one. Not thread-safe:
/// the batcher is its only user.
/// </remarks>
internal sealed class FairInputs(IReadOnlyList<ChannelReader<Frame>> inputs)
{
    private readonly Task<bool>?[] _waits = new Task<bool>?[inputs.Count];
    private readonly bool[] _done = new bool[inputs.Count];
    private readonly List<Task> _pending = new(inputs.Count + 1);
    private int _open = inputs.Count, _next;

    /// <summary>The next frame in round-robin order, if any stream has one queued.</summary>
    public bool TryRead(out Frame frame)
    {
        for (int k = 0; k < inputs.Count; k++)
        {
            int i = (_next + k) % inputs.Count;
            if (_done[i] || !inputs[i].TryRead(out frame!)) continue;
            _next = (i + 1) % inputs.Count;
            return true;
        }
        frame = null!;
        return false;
    }

    /// <summary>
    /// Waits until some input has a frame (true), every input has completed (false), or
    /// <paramref name="timeout"/> passed (true: the caller re-checks). An input's error is thrown.
    /// </summary>
    public async ValueTask<bool> WaitAnyAsync(TimeSpan timeout, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_open == 0) return false;
            Task? any = null;
            for (int i = 0; i < inputs.Count; i++)
            {
                if (_done[i]) continue;
                var wait = _waits[i] ??= inputs[i].WaitToReadAsync(ct).AsTask();
                if (wait.IsCompleted)
                {
                    any = wait;
                    break;
                }
            }
            if (any is null)
            {
                _pending.Clear();
                for (int i = 0; i < inputs.Count; i++)
                    if (!_done[i]) _pending.Add(_waits[i]!);
                Task? timer = timeout == Timeout.InfiniteTimeSpan ? null : Task.Delay(timeout, ct);
                if (timer is not null) _pending.Add(timer);
                any = await Task.WhenAny(_pending).ConfigureAwait(false);
                if (any == timer)
                {
                    await timer.ConfigureAwait(false); // throws if it was the cancellation
                    return true;
                }
            }
            for (int i = 0; i < inputs.Count; i++)
            {
                if (_waits[i] is not { IsCompleted: true } done) continue;
                _waits[i] = null;
                if (await done.ConfigureAwait(false)) return true;
                _done[i] = true;
                _open--;
            }
        }
    }
}
