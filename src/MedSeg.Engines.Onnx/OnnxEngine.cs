using MedSeg.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// Streaming inference on ONNX Runtime for one segmentation graph — an export of a checkpoint
/// (<c>medseg export-onnx</c>, or in memory) or a model made elsewhere with a JSON sidecar.
/// </summary>
/// <remarks>
/// Memory: the input and output tensors live in native, aligned, never-moving buffers sized for
/// MaxBatch; one OrtValue per tensor and one IOBinding per batch size are made in the
/// constructor, so <see cref="Infer"/> only copies the frames in, runs the binding and copies
/// the answer out: no managed allocation per call. A graph with a fixed batch B runs a batch of
/// n frames as ⌈n/B⌉ calls of B. The inference stage uses <see cref="CreateSlots"/> instead (two
/// more such sets, double-buffered). Not thread-safe: one caller, Infer or the slots, at a time.
/// </remarks>
public sealed class OnnxEngine : IProbabilityEngine
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OnnxGraphSignature _signature;
    private readonly OnnxEngineOptions _options;
    private readonly OnnxBindingSet _main;        // Infer's tensors; the two slots have their own
    private readonly IntPtr _stream;              // CUDA / TensorRT: the engine's own compute + copy stream
    private readonly float _threshold;
    private readonly bool _rethreshold;
    private readonly int _c, _h, _w, _k, _step;

    private OnnxEngine(InferenceSession session, ModelContract contract, OnnxEngineOptions options, string source, IntPtr stream)
    {
        _session = session;
        _stream = stream;
        _options = options;
        Contract = contract;
        MaxBatch = options.MaxBatch;
        _signature = OnnxGraphSignature.Read(session, contract, source);
        (_c, _h, _w, _k) = (contract.Channels, contract.Height, contract.Width, contract.OutputChannels);
        _threshold = (float)(options.Threshold ?? contract.Threshold);
        _rethreshold = contract.Head == OutputHead.Labels && contract.IsBinary && options.Threshold is { } t && t != contract.Threshold;
        // A fixed-batch graph runs in steps of its batch; a dynamic one takes the whole batch at once.
        _step = _signature.FixedBatch ?? MaxBatch;
        _main = BindingSet(stream);
        Description = new EngineDescription(
            contract.Model, options.Provider == OnnxProvider.Cpu ? "cpu (onnxruntime)" : $"{options.Provider.ToString().ToLowerInvariant()}:{options.DeviceId} (onnxruntime)",
            _c, _h, _w, contract.ClassNames, contract.GflopPerFrame);
        for (int i = 0; i < options.Warmup; i++) _main.Run(_session, _run, _step);
        if (stream != IntPtr.Zero) CudaRuntime.Synchronize(stream);
    }

    /// <summary>A set of bound tensors; on CUDA the input's copies go on <paramref name="inputStream"/>, the outputs' on the compute stream.</summary>
    internal OnnxBindingSet BindingSet(IntPtr inputStream) =>
        new(_session, _signature, Contract, _step, bytes => Buffer(bytes, _stream), bytes => Buffer(bytes, inputStream));

    private ITensorBuffer Buffer(long bytes, IntPtr stream) =>
        _options.Provider == OnnxProvider.Cpu ? new NativeBuffer(bytes) : new CudaBuffer(bytes, _options.DeviceId, stream);

    /// <summary>Loads a .onnx file; its contract comes from its metadata, else from the sidecar.</summary>
    public static OnnxEngine Load(string path, OnnxEngineOptions options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model not found: {path}", path);
        return FromBytes(File.ReadAllBytes(path), options, path);
    }

    /// <summary>An engine over an in-memory model (e.g. a checkpoint exported on the fly).</summary>
    /// <param name="source">Names the model in errors; a sidecar is looked for at <c>source + ".json"</c>.</param>
    public static OnnxEngine FromBytes(byte[] model, OnnxEngineOptions options, string source, ModelContract? contract = null)
    {
        options.Validate();
        InferenceSession? probe = null, session = null;
        IntPtr stream = IntPtr.Zero;
        try
        {
            // 1. Open once to read metadata and shapes; the batch symbol decides the real options.
            // The probe skips graph optimization, the costly part of opening a session: metadata
            // and the input/output signature do not depend on it.
            using (var bare = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL })
                probe = Open(model, bare, source);
            contract ??= ContractOf(probe, options, source);
            var signature = OnnxGraphSignature.Read(probe, contract, source);
            probe.Dispose();
            probe = null;
            // 2. The real session: a symbolic batch is pinned when only one batch size will ever run.
            int? pin = signature.FixedBatch is null && options.MaxBatch == 1 ? 1 : null;
            if (options.Provider != OnnxProvider.Cpu) stream = CudaStreamFor(options);
            using var so = OnnxSessionFactory.Create(options, signature.BatchSymbol, signature.FixedBatch ?? pin, stream);
            session = Open(model, so, source);
            return new OnnxEngine(session, contract, options, source, stream);
        }
        catch
        {
            probe?.Dispose();
            session?.Dispose();
            if (stream != IntPtr.Zero) CudaRuntime.DestroyStream(stream);
            throw;
        }
    }

    private static IntPtr CudaStreamFor(OnnxEngineOptions o)
    {
        try
        {
            return CudaRuntime.CreateStream(o.DeviceId);
        }
        catch (DllNotFoundException e)
        {
            throw new NotSupportedException($"the {o.Provider} provider needs the CUDA 12 runtime (libcudart.so.12), which is not installed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Two slots with their own bound tensors (native on the CPU; pinned staging, device memory and
    /// a copy stream of their own on CUDA), so the stage writes frames straight into the bound
    /// input. An NHWC graph of several channels, or a fixed batch smaller than MaxBatch, takes the
    /// general path (Infer on a worker thread), which transposes and steps as Infer does.
    /// </summary>
    public IEngineSlots CreateSlots() =>
        _step >= MaxBatch && (Contract.Layout == TensorLayout.Nchw || _c == 1)
            ? new OnnxSlots(this, _session, _stream, _signature.FixedBatch, _options)
            : new WorkerSlots(this);

    public EngineDescription Description { get; }
    public ModelContract Contract { get; }
    public int MaxBatch { get; }

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int plane = _h * _w, frameIn = _c * plane;
        if (input.Length < batch * frameIn) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (labels.Length < batch * plane) throw new ArgumentException($"labels need {batch * plane} bytes", nameof(labels));
        bool wantFg = !foreground.IsEmpty;
        if (wantFg && foreground.Length < batch * plane) throw new ArgumentException($"foreground needs {batch * plane} floats", nameof(foreground));

        for (int first = 0; first < batch; first += _step)
        {
            int n = Math.Min(_step, batch - first);
            Run(input.Slice(first * frameIn, n * frameIn), n);
            var lab = labels.Slice(first * plane, n * plane);
            var fg = wantFg ? foreground.Slice(first * plane, n * plane) : default;
            CopyOut(_main, n, lab, fg);
        }
    }

    /// <summary>Class probabilities (for a tiler): a probs head as it is, logits through sigmoid / softmax, a binary labels head's foreground output.</summary>
    public void InferProbabilities(ReadOnlySpan<float> input, int batch, Span<float> probabilities)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        if (Contract.Head == OutputHead.Labels && _k > 1)
            throw new NotSupportedException($"{Contract.Model}: a multi-class labels head has no class probabilities; export with a probs head for tiled inference");
        int plane = _h * _w, frameIn = _c * plane, frameOut = _k * plane;
        if (input.Length < batch * frameIn) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (probabilities.Length < batch * frameOut) throw new ArgumentException($"probabilities need {batch * frameOut} floats", nameof(probabilities));
        for (int first = 0; first < batch; first += _step)
        {
            int n = Math.Min(_step, batch - first);
            Run(input.Slice(first * frameIn, n * frameIn), n);
            var dst = probabilities.Slice(first * frameOut, n * frameOut);
            if (Contract.Head == OutputHead.Labels) _main.Out1!.Host<float>(n * plane).CopyTo(dst);
            else OnnxOutputDecoder.Probabilities(_main.Out0.Host<float>(n * frameOut), n, _k, plane, Contract.Layout, Contract.Head, dst);
        }
    }

    /// <summary>One call of at most the graph's batch on <see cref="_main"/>: frames in, graph run, outputs on the host.</summary>
    private void Run(ReadOnlySpan<float> frames, int n)
    {
        int frameIn = _c * _h * _w;
        CopyIn(frames, n);
        int bound = _signature.FixedBatch ?? n;
        // CUDA: upload, run and download are queued on the engine's one stream, in that order; the CPU copies are no-ops.
        _main.Input.Upload((long)bound * frameIn * sizeof(float));
        _main.Run(_session, _run, bound);
        if (_stream != IntPtr.Zero) CudaRuntime.Synchronize(_stream);
    }

    private void CopyIn(ReadOnlySpan<float> frames, int n)
    {
        var dst = _main.Input.Host<float>(frames.Length);
        if (Contract.Layout == TensorLayout.Nchw || _c == 1)
        {
            frames.CopyTo(dst); // one channel: NCHW and NHWC are the same bytes
            return;
        }
        int plane = _h * _w;
        for (int f = 0; f < n; f++)
            for (int ch = 0; ch < _c; ch++)
                for (int i = 0; i < plane; i++)
                    dst[(f * plane + i) * _c + ch] = frames[(f * _c + ch) * plane + i];
    }

    /// <summary>The answer for <paramref name="n"/> frames from <paramref name="set"/>'s host outputs.</summary>
    internal void CopyOut(OnnxBindingSet set, int n, Span<byte> labels, Span<float> foreground)
    {
        int count = n * _h * _w;
        if (Contract.Head != OutputHead.Labels)
        {
            OnnxOutputDecoder.Decode(set.Out0.Host<float>(count * _k), n, _k, _h * _w, Contract.Layout, Contract.Head, _threshold, labels, foreground);
            return;
        }
        var fg = set.Out1!.Host<float>(count);
        if (!foreground.IsEmpty) fg.CopyTo(foreground);
        if (!_rethreshold)
        {
            set.Out0.Host<byte>(count).CopyTo(labels);
            return;
        }
        for (int i = 0; i < count; i++) labels[i] = fg[i] > _threshold ? (byte)1 : (byte)0;
    }

    private static ModelContract ContractOf(InferenceSession session, OnnxEngineOptions options, string source)
    {
        string sidecar = options.Sidecar ?? source + ".json";
        if (options.Sidecar is not null || !ModelContractMetadata.Has(session.ModelMetadata.CustomMetadataMap))
        {
            if (options.Sidecar is null && !File.Exists(sidecar))
                throw new ModelFormatException(source, $"the model's metadata has no MedSeg contract (classes, preprocessing) and there is no sidecar {sidecar}; " +
                                                       "write one (README: \"Foreign ONNX models\") or export with `medseg export-onnx`");
            return ModelContractMetadata.ReadSidecar(sidecar);
        }
        return ModelContractMetadata.Read(session.ModelMetadata.CustomMetadataMap, source);
    }

    private static InferenceSession Open(byte[] model, SessionOptions so, string source)
    {
        try
        {
            return new InferenceSession(model, so);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFormatException(source, $"ONNX Runtime cannot load it: {e.Message.Split('\n')[0]}", e);
        }
    }

    public void Dispose()
    {
        _main.Dispose();
        _session.Dispose();
        _run.Dispose();
        if (_stream != IntPtr.Zero) CudaRuntime.DestroyStream(_stream);
    }
}
