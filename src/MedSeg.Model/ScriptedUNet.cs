using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// A batch-norm-free <see cref="UNet"/> and its output head as one TorchScript call
/// (Scripts/unet_forward.torchscript): the same ops as the eager modules, same outputs.
/// </summary>
/// <remarks>
/// Why: eager TorchSharp makes a managed <see cref="Tensor"/> and a native call per op, about a
/// hundred per U-Net forward, ~15 KB of garbage per call; the script runs them all inside
/// libtorch (~0.8 KB per call, the arguments and the two results). The weights are the model's
/// own parameter tensors, so the model must outlive this object and stay on its device.
/// </remarks>
public sealed class ScriptedUNet : IDisposable
{
    private const string Resource = "MedSeg.Model.unet_forward.torchscript";
    private static readonly Lazy<string> s_source = new(ReadSource);

    private readonly jit.CompilationUnit _unit;
    private readonly Tensor[] _weights;
    // The script's int argument as a held Scalar: a boxed long in the argument list would become a
    // temporary Scalar inside invoke that a GC can free before libtorch reads it (issue 10).
    private readonly Scalar _depth;
    private readonly bool _bilinear, _binary;

    public ScriptedUNet(UNet model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = model.Options;
        if (options.BatchNorm)
            throw new ArgumentException("the scripted forward has no batch norm: fold it first (BatchNormFolding.Fold)", nameof(model));
        var state = model.state_dict();
        _weights = WeightNames(options).Select(n => state.TryGetValue(n, out var t)
            ? t
            : throw new ArgumentException($"the model has no parameter '{n}' (not a {nameof(UNet)} of {options.Describe()}?)", nameof(model))).ToArray();
        _depth = ((long)options.Depth).ToScalar();
        _bilinear = options.Upsampling == Upsampling.Bilinear;
        _binary = options.IsBinary;
        _unit = jit.compile(s_source.Value);
    }

    /// <summary>
    /// Argument list for <see cref="Run"/>; build it once per input tensor and reuse it, so a
    /// steady stream does not allocate one per call.
    /// </summary>
    /// <remarks>
    /// Every native object the script reads is a managed object in this list: the numbers are
    /// <see cref="Scalar"/>s made here, not boxed doubles and longs. TorchSharp's invoke turns a
    /// boxed number into a temporary Scalar, stores only its native pointer and then calls the
    /// script; a GC in between freed it (issue 10). bool arguments go by value and are safe.
    /// The threshold Scalar lives as long as the list (its finalizer frees it after that).
    /// </remarks>
    public object[] Arguments(Tensor input, double threshold) => [input, _weights, _depth, _bilinear, _binary, threshold.ToScalar()];

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

    /// <summary>State-dict names of the weights in the order the script reads them.</summary>
    public static IReadOnlyList<string> WeightNames(UNetOptions options)
    {
        var names = new List<string>();
        void DoubleConv(string prefix)
        {
            foreach (string conv in new[] { "0", "3" })
            {
                names.Add($"{prefix}.double_conv.{conv}.weight");
                names.Add($"{prefix}.double_conv.{conv}.bias");
            }
        }
        DoubleConv("inc");
        for (int i = 0; i < options.Depth; i++) DoubleConv($"downs.{i}.maxpool_conv.1");
        for (int i = 0; i < options.Depth; i++)
        {
            if (options.Upsampling == Upsampling.Transposed)
            {
                names.Add($"ups.{i}.up.weight");
                names.Add($"ups.{i}.up.bias");
            }
            DoubleConv($"ups.{i}.conv");
        }
        names.Add("outc.conv.weight");
        names.Add("outc.conv.bias");
        return names;
    }

    // NOTE: TorchSharp 0.107's CompilationUnit.Dispose only forgets its native handle, so the
    // compiled graph stays until exit; engines are made once per command, so this is bounded.
    public void Dispose()
    {
        _unit.Dispose();
        _depth.Dispose();
    }

    private static string ReadSource()
    {
        using var stream = typeof(ScriptedUNet).Assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidOperationException($"embedded resource {Resource} missing from {typeof(ScriptedUNet).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
