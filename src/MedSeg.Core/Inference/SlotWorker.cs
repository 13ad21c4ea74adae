using System.Runtime.ExceptionServices;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Inference;

/// <summary>
/// The thread that computes submitted slots, one at a time, in submission order, so the caller's
/// thread is free to fill the next slot meanwhile. Errors are kept with their slot and rethrown by
/// <see cref="Wait"/>. Made once per engine; no allocation per batch.
/// </summary>
public sealed class SlotWorker : IDisposable
{
    private readonly Action<int, int> _compute;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _submitted = new(0);
    private readonly ManualResetEventSlim[] _done;
    private readonly int[] _batch, _queue;
    private readonly long[] _start, _end;
    private readonly bool[] _busy;
    private readonly ExceptionDispatchInfo?[] _error;
    private int _head, _tail;
    private volatile bool _stopping;

    /// <param name="compute">Computes (slot, batch) on the worker thread.</param>
    public SlotWorker(int slots, Action<int, int> compute, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _compute = compute;
        _done = [.. Enumerable.Range(0, slots).Select(static _ => new ManualResetEventSlim(true))];
        (_batch, _queue, _start, _end, _busy, _error) = (new int[slots], new int[slots], new long[slots], new long[slots], new bool[slots], new ExceptionDispatchInfo?[slots]);
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public void Submit(int slot, int batch)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_busy[slot]) throw new InvalidOperationException($"slot {slot} is still in flight: complete it before submitting it again");
        _busy[slot] = true;
        _batch[slot] = batch;
        _done[slot].Reset();
        _queue[_tail++ % _queue.Length] = slot;
        _submitted.Release(); // a full fence: the worker sees the slot's input and the queue entry
    }

    /// <summary>Blocks until the slot's batch is computed; rethrows its error.</summary>
    public SlotTimes Wait(int slot)
    {
        if (!_busy[slot]) throw new InvalidOperationException($"slot {slot} was not submitted");
        _done[slot].Wait();
        _busy[slot] = false;
        if (_error[slot] is { } e)
        {
            _error[slot] = null;
            e.Throw();
        }
        return new SlotTimes(_start[slot], _end[slot]);
    }

    private void Loop()
    {
        while (true)
        {
            _submitted.Wait();
            if (_stopping) return;
            int slot = _queue[_head++ % _queue.Length];
            _start[slot] = StageTimes.Now();
            try
            {
                _compute(slot, _batch[slot]);
            }
            catch (Exception e)
            {
                _error[slot] = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _end[slot] = StageTimes.Now();
                _done[slot].Set();
            }
        }
    }

    /// <summary>Lets a batch in flight finish (its buffers may be freed next), then stops the thread.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        for (int s = 0; s < _done.Length; s++)
            if (_busy[s]) _done[s].Wait();
        _stopping = true;
        _submitted.Release();
        _thread.Join();
        foreach (var d in _done) d.Dispose();
        _submitted.Dispose();
    }
}
