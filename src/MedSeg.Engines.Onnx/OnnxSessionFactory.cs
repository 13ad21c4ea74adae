using Microsoft.ML.OnnxRuntime;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// Session options chosen on purpose, in one place: a streaming engine has one caller and one
/// graph, so the graph is fully optimised once (ORT_ENABLE_ALL), runs sequentially (no inter-op
/// pool competing with the pipeline's threads), with a fixed intra-op pool, memory pattern and
/// CPU arena on (steady-state runs reuse the first run's plan), and, where the batch is known,
/// the symbolic batch dimension overridden so shapes are static from the start.
/// </summary>
public static class OnnxSessionFactory
{
    public static SessionOptions Create(OnnxEngineOptions o, string? batchSymbol, int? fixedBatch, IntPtr cudaStream = default)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = o.Threads,
            InterOpNumThreads = 1,
            EnableMemoryPattern = true,
            EnableCpuMemArena = true,
        };
        try
        {
            Spin(so, o.Spinning);
            if (batchSymbol is not null && fixedBatch is { } b) so.AddFreeDimensionOverrideByName(batchSymbol, b);
            switch (o.Provider)
            {
                case OnnxProvider.Cpu:
                    break;
                case OnnxProvider.TensorRt:
                    using (var trt = new OrtTensorRTProviderOptions())
                    {
                        Directory.CreateDirectory(o.TensorRtCache);
                        trt.UpdateOptions(new Dictionary<string, string>
                        {
                            ["device_id"] = o.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            ["trt_fp16_enable"] = "1",
                            ["trt_engine_cache_enable"] = "1",
                            ["trt_engine_cache_path"] = o.TensorRtCache,
                            ["trt_timing_cache_enable"] = "1",
                        });
                        so.AppendExecutionProvider_Tensorrt(trt);
                    }
                    AppendCuda(so, o, cudaStream, cudaGraph: false); // fallback for nodes TensorRT does not take
                    break;
                case OnnxProvider.Cuda:
                    AppendCuda(so, o, cudaStream, cudaGraph: o.CudaGraphs && fixedBatch is not null);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(o), o.Provider, "unknown provider");
            }
            return so;
        }
        catch (OnnxRuntimeException e) when (o.Provider != OnnxProvider.Cpu)
        {
            so.Dispose();
            throw new NotSupportedException(
                $"the {o.Provider} execution provider is not available in this build (build with -p:OnnxBackend=gpu-linux on a machine with CUDA 12): {e.Message}", e);
        }
    }

    /// <summary>
    /// A pool that spins between frames burns the core the pipeline's own threads need; one that
    /// never spins pays a wake-up per op (24 % at 128², 2 threads). Spinning only inside Run keeps
    /// the hand-offs quick and lets the workers sleep once the frame is done.
    /// </summary>
    private static void Spin(SessionOptions so, OnnxSpinning spinning)
    {
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning == OnnxSpinning.Off ? "0" : "1");
        if (spinning == OnnxSpinning.DuringRun) so.AddSessionConfigEntry("session.force_spinning_stop", "1");
    }

    private static void AppendCuda(SessionOptions so, OnnxEngineOptions o, IntPtr stream, bool cudaGraph)
    {
        using var cuda = new OrtCUDAProviderOptions();
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = o.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = "EXHAUSTIVE",
            ["do_copy_in_default_stream"] = "0",
            ["enable_cuda_graph"] = cudaGraph ? "1" : "0",
        };
        // One compute stream per engine: two engines on one GPU do not serialise on the default stream.
        if (stream != IntPtr.Zero) settings["user_compute_stream"] = stream.ToString();
        cuda.UpdateOptions(settings);
        so.AppendExecutionProvider_CUDA(cuda);
    }
}
