using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Inference;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Runs the segmentation engine on each batch and writes labels and foreground probabilities back
/// into the batch's frames.
/// </summary>
/// <remarks>
/// Inputs: <see cref="FrameBatch"/>es of preprocessed frames. Outputs: the same batches with
/// <see cref="Frame.Labels"/> / <see cref="Frame.Foreground"/> written (the model's H × W) and
/// <see cref="StageTimes.InferenceStart"/> / <see cref="StageTimes.InferenceEnd"/> stamped.
/// Options: <see cref="InferenceStageOptions"/>.
/// Memory: three staging arrays (MaxBatch × C × H × W input, MaxBatch × H × W labels and
/// probabilities) made in the constructor; the engine reuses its own tensors.
/// Notes: the engine is not thread-safe and this stage is its only caller. Infer runs
/// synchronously on the stage's thread-pool thread; a frame whose input is not C × H × W is a
/// pipeline bug and stops the pipeline, as does any engine exception.
/// </remarks>
public sealed class InferenceStage : IPipelineStage<FrameBatch, FrameBatch>
{
    private readonly ISegmentationEngine _engine;
    private readonly int _maxBatch, _frameInput, _plane, _width, _height;
    private readonly float[] _input;
    private readonly byte[] _labels;
    private readonly float[] _foreground;
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
        _input = new float[_maxBatch * _frameInput];
        _labels = new byte[_maxBatch * _plane];
        _foreground = new float[_maxBatch * _plane];
    }

    public long Batches => Interlocked.Read(ref _batches);

    public long Frames => Interlocked.Read(ref _frames);

    public Task RunAsync(ChannelReader<FrameBatch> input, ChannelWriter<FrameBatch> output, CancellationToken ct) =>
        StageHost.RunAsync(input, output, batch =>
        {
            Infer(batch);
            return batch;
        }, ct);

    private void Infer(FrameBatch batch)
    {
        int n = batch.Count;
        if (n < 1 || n > _maxBatch) throw new InvalidOperationException($"batch of {n} frames; this stage takes 1–{_maxBatch}");
        for (int i = 0; i < n; i++)
        {
            var frame = batch[i];
            var x = frame.Input;
            if (x.Length != _frameInput)
                throw new InvalidOperationException($"frame {frame.Info.Seq} has {x.Length} input floats; the engine takes {_frameInput}");
            x.CopyTo(_input.AsSpan(i * _frameInput, _frameInput));
        }

        long start = StageTimes.Now();
        _engine.Infer(_input.AsSpan(0, n * _frameInput), n, _labels.AsSpan(0, n * _plane), _foreground.AsSpan(0, n * _plane));
        long end = StageTimes.Now();

        for (int i = 0; i < n; i++)
        {
            var frame = batch[i];
            frame.Times.InferenceStart = start;
            frame.Times.InferenceEnd = end;
            frame.AllocateOutputs(_width, _height);
            _labels.AsSpan(i * _plane, _plane).CopyTo(frame.Labels);
            _foreground.AsSpan(i * _plane, _plane).CopyTo(frame.Foreground);
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _frames, n);
    }
}
