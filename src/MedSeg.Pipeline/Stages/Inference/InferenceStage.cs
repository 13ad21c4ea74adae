using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Inference;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Runs the segmentation engine on each batch and writes labels and foreground probabilities back
/// into the batch's frames, double-buffered: batch k+1 is staged into the engine's second slot
/// (and queued) while batch k computes.
/// </summary>
/// <remarks>
/// Inputs: <see cref="FrameBatch"/>es of preprocessed frames. Outputs: the same batches, in order,
/// with <see cref="Frame.Labels"/> / <see cref="Frame.Foreground"/> written (the model's H × W) and
/// <see cref="StageTimes.InferenceStart"/> / <see cref="StageTimes.InferenceEnd"/> stamped with
/// when the engine really started and finished that batch.
/// Options: <see cref="InferenceStageOptions"/>.
/// Memory: the engine's two slots (<see cref="ISegmentationEngine.CreateSlots"/>: pinned or
/// native staging where the engine has it) and one labels / probabilities array, made once per run.
/// Notes: only this stage's thread touches frames; the engine's worker touches only slot buffers,
/// so frame ownership (leases, generations, the StageHost hand-off) is unchanged. A batch is held
/// back only while the next one is already waiting: when the input is empty the batch in flight is
/// completed and handed on at once, so double buffering adds no latency to a live stream. A frame
/// whose input is not C × H × W is a pipeline bug and stops the pipeline, as does any engine exception.
/// </remarks>
public sealed class InferenceStage : IPipelineStage<FrameBatch, FrameBatch>
{
    private readonly ISegmentationEngine _engine;
    private readonly int _maxBatch, _frameInput, _plane, _width, _height;
    private long _batches, _frames;

    public InferenceStage(ISegmentationEngine engine, InferenceStageOptions options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.MaxBatch > engine.MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatch, $"MaxBatch exceeds the engine's MaxBatch {engine.MaxBatch}");
        _engine = engine;
        var d = engine.Description;
        (_maxBatch, _width, _height) = (options.MaxBatch, d.Width, d.Height);
        _frameInput = d.Channels * d.Height * d.Width;
        _plane = d.Height * d.Width;
    }

    public long Batches => Interlocked.Read(ref _batches);

    public long Frames => Interlocked.Read(ref _frames);

    public Task RunAsync(ChannelReader<FrameBatch> input, ChannelWriter<FrameBatch> output, CancellationToken ct) =>
        StageHost.RunAsync(token => RunSlotsAsync(input, output, token), error => output.TryComplete(error), ct);

    private async Task RunSlotsAsync(ChannelReader<FrameBatch> input, ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        using var slots = _engine.CreateSlots();
        var labels = new byte[_maxBatch * _plane];
        var foreground = new float[_maxBatch * _plane];
        FrameBatch? inFlight = null;
        int slot = 0, inFlightSlot = 0;
        try
        {
            while (await input.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (input.TryRead(out var next))
                {
                    // 1. Stage batch k+1 into the free slot and queue it while batch k computes.
                    try
                    {
                        Stage(next, slots.Input(slot));
                        slots.Submit(slot, next.Count);
                    }
                    catch
                    {
                        next.Dispose();
                        throw;
                    }
                    // 2. Finish batch k (the engine moves on to k+1 meanwhile) and hand it on.
                    var (done, doneSlot) = (inFlight, inFlightSlot);
                    (inFlight, inFlightSlot, slot) = (next, slot, slot ^ 1);
                    if (done is not null) await FinishAsync(done, slots, doneSlot, labels, foreground, output, ct).ConfigureAwait(false);
                }
                // 3. Nothing else is waiting: the batch in flight goes on now, not when the next one arrives.
                if (inFlight is { } last)
                {
                    inFlight = null;
                    await FinishAsync(last, slots, inFlightSlot, labels, foreground, output, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            inFlight?.Dispose(); // the slots' Dispose waits for its compute before the buffers go
        }
    }

    private void Stage(FrameBatch batch, Span<float> staging)
    {
        int n = batch.Count;
        if (n < 1 || n > _maxBatch) throw new InvalidOperationException($"batch of {n} frames; this stage takes 1–{_maxBatch}");
        for (int i = 0; i < n; i++)
        {
            var frame = batch[i];
            var x = frame.Input;
            if (x.Length != _frameInput)
                throw new InvalidOperationException($"frame {frame.Info.Seq} has {x.Length} input floats; the engine takes {_frameInput}");
            x.CopyTo(staging.Slice(i * _frameInput, _frameInput));
        }
    }

    private async ValueTask FinishAsync(FrameBatch batch, IEngineSlots slots, int slot, byte[] labels, float[] foreground,
                                        ChannelWriter<FrameBatch> output, CancellationToken ct)
    {
        int n = batch.Count;
        try
        {
            var times = slots.Complete(slot, labels.AsSpan(0, n * _plane), foreground.AsSpan(0, n * _plane));
            for (int i = 0; i < n; i++)
            {
                var frame = batch[i];
                frame.Times.InferenceStart = times.Start;
                frame.Times.InferenceEnd = times.End;
                frame.AllocateOutputs(_width, _height);
                labels.AsSpan(i * _plane, _plane).CopyTo(frame.Labels);
                foreground.AsSpan(i * _plane, _plane).CopyTo(frame.Foreground);
            }
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _frames, n);
        await output.HandOffAsync(batch, ct).ConfigureAwait(false);
    }
}
