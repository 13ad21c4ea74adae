using Microsoft.ML.OnnxRuntime;

namespace MedSeg.Cli.Bench;

/// <summary>
/// The reference the ONNX engine is held to: a plain <see cref="InferenceSession"/> on the same
/// graph bytes with only the thread count set, and <c>Run</c> called the way the ONNX Runtime
/// samples call it. No project code between the call and the runtime.
/// </summary>
public sealed class BareOrtRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly OrtValue _input;
    private readonly string[] _inputs, _outputs;

    public BareOrtRunner(byte[] model, int threads, float[] input, long[] shape)
    {
        using var so = new SessionOptions { IntraOpNumThreads = threads };
        _session = new InferenceSession(model, so);
        _input = OrtValue.CreateTensorValueFromMemory(input, shape);
        _inputs = [.. _session.InputNames];
        _outputs = [.. _session.OutputNames];
    }

    public void Run()
    {
        using var results = _session.Run(_run, _inputs, [_input], _outputs);
    }

    public void Dispose()
    {
        _input.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
