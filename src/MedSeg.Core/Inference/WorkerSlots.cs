namespace MedSeg.Core.Inference;

/// <summary>
/// Two slots over any engine: managed staging per slot, and <see cref="ISegmentationEngine.Infer"/>
/// run on a <see cref="SlotWorker"/> thread, so filling slot k+1 overlaps computing slot k. The
/// engine sees one caller at a time (the worker), as its contract asks.
/// </summary>
public sealed class WorkerSlots : IEngineSlots
{
    private readonly ISegmentationEngine _engine;
    private readonly float[][] _input, _foreground;
    private readonly byte[][] _labels;
    private readonly int[] _batch;
    private readonly int _frameInput, _plane;
    private readonly SlotWorker _worker;

    public WorkerSlots(ISegmentationEngine engine, int slots = 2)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        var d = engine.Description;
        (_frameInput, _plane) = (d.Channels * d.Height * d.Width, d.Height * d.Width);
        int max = engine.MaxBatch;
        _input = [.. Enumerable.Range(0, slots).Select(_ => new float[max * _frameInput])];
        _labels = [.. Enumerable.Range(0, slots).Select(_ => new byte[max * _plane])];
        _foreground = [.. Enumerable.Range(0, slots).Select(_ => new float[max * _plane])];
        _batch = new int[slots];
        _worker = new SlotWorker(slots, Compute, "medseg-engine-slots");
    }

    public int Count => _input.Length;

    public Span<float> Input(int slot) => _input[slot];

    public void Submit(int slot, int batch)
    {
        if (batch < 1 || batch > _engine.MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{_engine.MaxBatch}");
        _batch[slot] = batch;
        _worker.Submit(slot, batch);
    }

    public SlotTimes Complete(int slot, Span<byte> labels, Span<float> foreground)
    {
        var times = _worker.Wait(slot);
        int n = _batch[slot] * _plane;
        _labels[slot].AsSpan(0, n).CopyTo(labels);
        if (!foreground.IsEmpty) _foreground[slot].AsSpan(0, n).CopyTo(foreground);
        return times;
    }

    private void Compute(int slot, int batch) =>
        _engine.Infer(_input[slot].AsSpan(0, batch * _frameInput), batch, _labels[slot].AsSpan(0, batch * _plane), _foreground[slot].AsSpan(0, batch * _plane));

    public void Dispose() => _worker.Dispose();
}
