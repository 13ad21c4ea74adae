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
/// Memory: batches come from <see cref="Batches"/>; a wait on empty inputs, with or without an open
/// batch's deadline, allocates nothing (<see cref="FairInputs"/>).
/// Several streams: one input each, read round-robin (<see cref="FairInputs"/>).
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

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<FrameBatch> output, CancellationToken ct) =>
        RunAsync([input], output, ct);

    /// <summary>
    /// Batches the frames of several streams, one input per stream, round-robin: each read takes
    /// from the stream after the one served last, so a busy stream cannot starve a quiet one and a
    /// batch smaller than the stream count still serves every stream in turn. Output completes
    /// when every input has completed (or with the first input's error).
    /// </summary>
    public Task RunAsync(IReadOnlyList<ChannelReader<Frame>> inputs, ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("at least one input", nameof(inputs));
        return StageHost.RunAsync(token => BatchAsync(inputs, output, token), error => output.TryComplete(error), ct);
    }

    /// <summary>The stage's step, a time window rather than one item: read, close on size / time / end, hand on.</summary>
    private async Task BatchAsync(IReadOnlyList<ChannelReader<Frame>> inputs, ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        using var streams = new FairInputs(inputs, ct);
        FrameBatch? open = null;
        try
        {
            while (await streams.WaitAnyAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false))
            {
                if (!streams.TryRead(out var first)) continue;
                open = Batches.Rent();
                open.Add(first);
                long deadline = StageTimes.Now() + _maxWaitTicks;
                var closedBy = BatchClose.Size;
                while (open.Count < _maxBatch)
                {
                    if (streams.TryRead(out var next))
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
                    // Rounded up: a timer firing early would close the batch before MaxWait; the loop re-checks the clock anyway.
                    var wait = TimeSpan.FromMilliseconds(Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
                    if (!await streams.WaitAnyAsync(wait).ConfigureAwait(false))
                    {
                        closedBy = BatchClose.EndOfStream;
                        break;
                    }
                }
                var batch = open;
                open = null;
                await CloseAsync(batch, closedBy, output, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            open?.Dispose();
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
        await output.HandOffAsync(batch, ct).ConfigureAwait(false);
    }
}
