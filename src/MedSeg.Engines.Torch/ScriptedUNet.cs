using MedSeg.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Engines.Torch;

/// <summary>
/// A batch-norm-free <see cref="UNet"/> and its output head as one TorchScript call, the script
/// generated from the module tree (<see cref="TorchScriptWriter"/>): the same ops as the eager
/// modules, same outputs.
/// </summary>
/// <remarks>
/// Why: eager TorchSharp makes a managed <see cref="Tensor"/> and a native call per op, about a
/// hundred per U-Net forward, ~15 KB of garbage per call; the script runs them all inside
/// libtorch (~0.8 KB per call, the arguments and the two results). The weights are the model's
/// own parameter tensors, so the model must outlive this object and stay on its device.
/// </remarks>
public sealed class ScriptedUNet : IDisposable
{
    private readonly jit.CompilationUnit _unit;
    private readonly Tensor[] _weights;

    public ScriptedUNet(UNet model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (source, weights) = TorchScriptWriter.Write(model);
        Source = source;
        WeightNames = [.. weights.Select(static w => w.Name)];
        _weights = [.. weights.Select(static w => w.Weight)];
        _unit = jit.compile(source);
    }

    /// <summary>The generated script (for error messages and tests).</summary>
    public string Source { get; }

    /// <summary>State-dict names of the weights in the order the script reads them.</summary>
    public IReadOnlyList<string> WeightNames { get; }

    /// <summary>
    /// Argument list for <see cref="Run"/>; build it once per input tensor and reuse it, so a
    /// steady stream does not allocate one per call.
    /// </summary>
    /// <remarks>
    /// Every native object the script reads is a managed object in this list: the threshold is a
    /// <see cref="Scalar"/> made here, not a boxed double. TorchSharp's invoke turns a boxed number
    /// into a temporary Scalar, stores only its native pointer and then calls the script; a GC in
    /// between freed it (issue 10). The threshold Scalar lives as long as the list (its finalizer
    /// frees it after that).
    /// </remarks>
    public object[] Arguments(Tensor input, double threshold) => [input, _weights, threshold.ToScalar()];

    /// <summary>Runs the network and the head on the input in <paramref name="arguments"/>.</summary>
    /// <returns>uint8 labels [N,H,W] and float foreground probability [N,H,W], in the caller's dispose scope.</returns>
    public (Tensor Labels, Tensor Foreground) Run(object[] arguments)
    {
        var result = ((Tensor, Tensor))_unit.invoke("forward", arguments);
        // invoke reads the list's handles, then only native pointers: the list (and so its input
        // tensor, weights and Scalars) must stay reachable until the script has returned.
        GC.KeepAlive(arguments);
        GC.KeepAlive(this);
        return result;
    }

    // NOTE: TorchSharp 0.107's CompilationUnit.Dispose only forgets its native handle, so the
    // compiled graph stays until exit; engines are made once per command, so this is bounded.
    public void Dispose() => _unit.Dispose();
}
