using MedSeg.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx;

/// <summary>
/// One set of bound tensors of a session: the input and output buffers, sized for
/// <c>step</c> frames, and one IOBinding per batch size over them, all made once. The engine's
/// own <see cref="OnnxEngine.Infer"/> runs on one set; each of its two slots on another.
/// </summary>
internal sealed class OnnxBindingSet : IDisposable
{
    private readonly OrtIoBinding?[] _bindings;   // by batch size; only [B] for a fixed-batch graph
    private readonly List<OrtValue> _values = [];
    private readonly int _step;

    /// <param name="buffer">Makes a buffer of the given bytes; <paramref name="inputBuffer"/> the input's (its own copy stream, for slots on CUDA).</param>
    public OnnxBindingSet(InferenceSession session, OnnxGraphSignature signature, ModelContract contract, int step,
                          Func<long, ITensorBuffer> buffer, Func<long, ITensorBuffer> inputBuffer)
    {
        _step = step;
        int c = contract.Channels, h = contract.Height, w = contract.Width, k = contract.OutputChannels, plane = h * w;
        try
        {
            Input = inputBuffer((long)step * c * plane * sizeof(float));
            if (contract.Head == OutputHead.Labels)
            {
                Out0 = buffer((long)step * plane);
                Out1 = buffer((long)step * plane * sizeof(float));
            }
            else Out0 = buffer((long)step * k * plane * sizeof(float));

            bool nhwc = contract.Layout == TensorLayout.Nhwc;
            _bindings = new OrtIoBinding?[step + 1];
            for (int b = signature.FixedBatch ?? 1; b <= step; b++)
            {
                var binding = _bindings[b] = session.CreateIoBinding();
                binding.BindInput(signature.Input, Value(Input, TensorElementType.Float, sizeof(float), nhwc ? [b, h, w, c] : [b, c, h, w]));
                if (contract.Head == OutputHead.Labels)
                {
                    binding.BindOutput(signature.Outputs[0], Value(Out0, TensorElementType.UInt8, 1, [b, h, w]));
                    binding.BindOutput(signature.Outputs[1], Value(Out1!, TensorElementType.Float, sizeof(float), [b, h, w]));
                }
                else binding.BindOutput(signature.Outputs[0], Value(Out0, TensorElementType.Float, sizeof(float), nhwc ? [b, h, w, k] : [b, k, h, w]));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ITensorBuffer Input { get; } = null!;
    public ITensorBuffer Out0 { get; } = null!;
    public ITensorBuffer? Out1 { get; }

    /// <summary>Runs the binding for <paramref name="bound"/> frames and queues the outputs' download (CUDA: on their stream; the caller synchronises).</summary>
    public void Run(InferenceSession session, RunOptions run, int bound)
    {
        session.RunWithBinding(run, _bindings[bound]!);
        Out0.Download(Out0.Bytes / _step * bound);
        Out1?.Download(Out1.Bytes / _step * bound);
    }

    private OrtValue Value(ITensorBuffer buffer, TensorElementType type, int size, long[] shape)
    {
        var v = buffer.Tensor(type, size, shape);
        _values.Add(v);
        return v;
    }

    public void Dispose()
    {
        if (_bindings is not null)
            foreach (var b in _bindings) b?.Dispose();
        foreach (var v in _values) v.Dispose();
        Input?.Dispose();
        Out0?.Dispose();
        Out1?.Dispose();
    }
}
