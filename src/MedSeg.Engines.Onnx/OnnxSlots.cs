using System.Globalization;
using MedSeg.Core.Inference;
using Microsoft.ML.OnnxRuntime;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// The engine's two slots. CPU: the stage writes batch k+1 into slot B's native bound input while
/// the worker thread runs slot A's binding. CUDA: slot B's upload is queued from pinned staging on
/// the slots' own copy stream (a DMA that runs beside the kernels of slot A on the compute stream,
/// the engine's user_compute_stream), and an event makes the compute stream wait for that upload
/// on the device — the host never blocks on it.
/// </summary>
/// <remarks>
/// Each slot has its own RunOptions with its own CUDA graph id (gpu_graph_id 1, 2), because a
/// captured graph replays fixed device addresses and the slots' tensors differ. The CUDA path
/// compiles in both builds and has never run: no GPU machine was available (README).
/// </remarks>
internal sealed class OnnxSlots : IEngineSlots
{
    private readonly OnnxEngine _engine;
    private readonly InferenceSession _session;
    private readonly OnnxBindingSet[] _sets = new OnnxBindingSet[2];
    private readonly RunOptions[] _runs = new RunOptions[2];
    private readonly IntPtr[] _uploaded = new IntPtr[2];   // CUDA events: slot's upload done
    private readonly int[] _batch = new int[2];
    private readonly IntPtr _compute, _copy;
    private readonly int? _fixedBatch;
    private readonly int _frameInput;
    private readonly SlotWorker _worker;

    public OnnxSlots(OnnxEngine engine, InferenceSession session, IntPtr computeStream, int? fixedBatch, OnnxEngineOptions options)
    {
        (_engine, _session, _compute, _fixedBatch) = (engine, session, computeStream, fixedBatch);
        var d = engine.Description;
        _frameInput = d.Channels * d.Height * d.Width;
        try
        {
            if (computeStream != IntPtr.Zero) _copy = CudaRuntime.CreateStream(options.DeviceId);
            for (int s = 0; s < 2; s++)
            {
                _sets[s] = engine.BindingSet(_copy);
                _runs[s] = new RunOptions();
                if (_copy != IntPtr.Zero)
                {
                    _uploaded[s] = CudaRuntime.CreateEvent();
                    _runs[s].AddRunConfigEntry("gpu_graph_id", (s + 1).ToString(CultureInfo.InvariantCulture));
                }
            }
            _worker = new SlotWorker(2, Compute, "medseg-onnx-slots");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Count => 2;

    public Span<float> Input(int slot) => _sets[slot].Input.Host<float>(_engine.MaxBatch * _frameInput);

    public void Submit(int slot, int batch)
    {
        if (batch < 1 || batch > _engine.MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{_engine.MaxBatch}");
        _batch[slot] = batch;
        int bound = _fixedBatch ?? batch;
        // CUDA: queued on the copy stream now, beside whatever the compute stream is running; CPU: nothing to do.
        _sets[slot].Input.Upload((long)bound * _frameInput * sizeof(float));
        if (_copy != IntPtr.Zero) CudaRuntime.Record(_uploaded[slot], _copy);
        _worker.Submit(slot, bound);
    }

    public SlotTimes Complete(int slot, Span<byte> labels, Span<float> foreground)
    {
        var times = _worker.Wait(slot);
        _engine.CopyOut(_sets[slot], _batch[slot], labels, foreground);
        return times;
    }

    /// <summary>On the worker thread: (CUDA: wait on the device for the upload,) run, download, synchronise.</summary>
    private void Compute(int slot, int bound)
    {
        if (_compute != IntPtr.Zero) CudaRuntime.StreamWait(_compute, _uploaded[slot]);
        _sets[slot].Run(_session, _runs[slot], bound);
        if (_compute != IntPtr.Zero) CudaRuntime.Synchronize(_compute);
    }

    public void Dispose()
    {
        _worker?.Dispose(); // first: a batch in flight still reads the buffers below
        for (int s = 0; s < 2; s++)
        {
            _sets[s]?.Dispose();
            _runs[s]?.Dispose();
            if (_uploaded[s] != IntPtr.Zero) CudaRuntime.DestroyEvent(_uploaded[s]);
        }
        if (_copy != IntPtr.Zero) CudaRuntime.DestroyStream(_copy);
    }
}
