using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Groups frames into batches for the model: a batch closes at MaxBatch frames or MaxWait after
/// its first frame, whichever comes first; at the end of the input the open batch is flushed at once.
/// </summary>
/// <remarks>
/// Inputs: preprocessed frames. Outputs: <see cref="FrameBatch"/>es, every frame stamped
/// <see cref="StageTimes.Batched"/> when its batch closes.
/// Options: <see cref="MicroBatcherOptions"/>.
/// Memory: batches come from <see cref="Batches"/>; one timeout token source per run, replaced
/// only after a batch closes on time (a fired source cannot be reset).
/// Notes: MaxWait is measured from when the batcher read the batch's first frame, on the
/// Stopwatch clock; the batch never closes on time before that. Counts per close reason feed the report.
/// </remarks>
public sealed class MicroBatcher : IPipelineStage<Frame, FrameBatch>
{
    private readonly int _maxBatch;
    private readonly long _maxWaitTicks;
    private long _bySize, _byTime, _byEnd, _frames;

    public MicroBatcher(MicroBatcherOptions options, FrameBatchPool? batches = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _maxBatch = options.MaxBatch;
        _maxWaitTicks = (long)(options.MaxWait.TotalSeconds * Stopwatch.Frequency);
        Batches = batches ?? new FrameBatchPool(options.MaxBatch);
        if (Batches.BatchCapacity < _maxBatch)
            throw new ArgumentOutOfRangeException(nameof(batches), Batches.BatchCapacity, $"pool batches hold fewer than MaxBatch = {_maxBatch} frames");
    }

    public FrameBatchPool Batches { get; }

    public long ClosedBySize => Interlocked.Read(ref _bySize);
    public long ClosedByTime => Interlocked.Read(ref _byTime);
    public long ClosedByEnd => Interlocked.Read(ref _byEnd);

    /// <summary>Frames batched so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    public async Task RunAsync(ChannelReader<Frame> input, ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        Exception? error = null;
        FrameBatch? open = null;
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            ct.ThrowIfCancellationRequested();
            while (await input.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                if (!input.TryRead(out var first)) continue;
                open = Batches.Rent();
                open.Add(first);
                long deadline = StageTimes.Now() + _maxWaitTicks;
                var closedBy = BatchClose.Size;
                while (open.Count < _maxBatch)
                {
                    if (input.TryRead(out var next))
                    {
                        open.Add(next);
                        continue;
                    }
                    long remaining = deadline - StageTimes.Now();
                    if (remaining <= 0)
                    {
                        closedBy = BatchClose.Time;
                        break;
                    }
                    if (!timeout.TryReset())
                    {
                        timeout.Dispose();
                        timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    }
                    // Rounded up: a timer firing early would close the batch before MaxWait.
                    timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency)));
                    try
                    {
                        if (!await input.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                        {
                            closedBy = BatchClose.EndOfStream;
                            break;
                        }
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // Timer fired: the loop re-checks the clock and closes on time.
                    }
                }
                var batch = open;
                open = null;
                await CloseAsync(batch, closedBy, output, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            open?.Dispose();
            timeout.Dispose();
            output.TryComplete(error);
        }
    }

    private async ValueTask CloseAsync(FrameBatch batch, BatchClose closedBy, ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        batch.ClosedBy = closedBy;
        switch (closedBy)
        {
            case BatchClose.Size: Interlocked.Increment(ref _bySize); break;
            case BatchClose.Time: Interlocked.Increment(ref _byTime); break;
            default: Interlocked.Increment(ref _byEnd); break;
        }
        Interlocked.Add(ref _frames, batch.Count);
        long now = StageTimes.Now();
        for (int i = 0; i < batch.Count; i++) batch[i].Times.Batched = now;
        try
        {
            await output.WriteAsync(batch, ct).ConfigureAwait(false);
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }
}
