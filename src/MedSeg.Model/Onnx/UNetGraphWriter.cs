using TorchSharp;
using TorchSharp.Modules;
using static MedSeg.Model.Onnx.OnnxAttributes;
using static TorchSharp.torch;

namespace MedSeg.Model.Onnx;

/// <summary>
/// Writes a batch-norm-free <see cref="UNet"/> as ONNX nodes by tracing the modules themselves
/// (<see cref="UNet.Trace{T}"/>): each layer's node and attributes come from the module (a
/// Conv2d's kernel, stride and padding, an Upsample's mode), its weights are initializers named
/// by their state-dict keys. Nothing here restates the architecture; a layer type it does not
/// know is an error, not a gap. The input size is fixed, so every value's height and width are
/// known and the odd-size padding of the decoder is written as constants.
/// </summary>
public sealed class UNetGraphWriter : INetworkTracer<UNetGraphWriter.Value>
{
    /// <summary>A graph value and its spatial size.</summary>
    public readonly record struct Value(string Name, long H, long W);

    private readonly OnnxGraphBuilder _g;
    private readonly UNet _model;

    public UNetGraphWriter(OnnxGraphBuilder graph, UNet model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.BatchNorm) throw new ArgumentException("fold batch norm first (BatchNormFolding.Fold)", nameof(model));
        _g = graph;
        _model = model;
    }

    /// <summary>Writes the network on <paramref name="input"/> (N×C×H×W) and returns the name of its logits (N×K×H×W).</summary>
    public string Write(string input, int height, int width) => _model.Trace(this, new Value(input, height, width)).Name;

    public Value Layer(string name, nn.Module<Tensor, Tensor> layer, Value x) => layer switch
    {
        // ConvTranspose2d derives from ConvolutionTranspose, Conv2d from Convolution: test the specific one first.
        ConvTranspose2d t => Transposed(name, t, x),
        Conv2d c => Conv(name, c, x),
        ReLU => x with { Name = _g.Node("Relu", [x.Name]) },
        MaxPool2d m => MaxPool(name, m, x),
        Upsample u => Resize(name, u, x),
        Dropout2d or Dropout => x, // the identity in eval mode, which is what an export runs
        MedSeg.Model.BatchNorm2d or TorchSharp.Modules.BatchNorm2d => throw new ArgumentException($"{name}: fold batch norm first (BatchNormFolding.Fold)"),
        _ => throw new NotSupportedException($"{name}: no ONNX mapping for {layer.GetType().Name}"),
    };

    /// <summary>Up's pad as ONNX Pad (begins of all axes, then ends), omitted when the sizes already match.</summary>
    public Value PadTo(Value x, Value like)
    {
        long dy = like.H - x.H, dx = like.W - x.W;
        if (dy == 0 && dx == 0) return x;
        if (dy < 0 || dx < 0) throw new InvalidOperationException($"{x.Name} ({x.H}×{x.W}) is larger than {like.Name} ({like.H}×{like.W})");
        string pads = _g.Initializer($"pads_{_g.Graph.Initializer.Count}", [0L, 0, dy / 2, dx / 2, 0, 0, dy - dy / 2, dx - dx / 2], 8);
        return new Value(_g.Node("Pad", [x.Name, pads], String("mode", "constant")), like.H, like.W);
    }

    public Value Concat(Value first, Value second)
    {
        if (first.H != second.H || first.W != second.W)
            throw new InvalidOperationException($"concatenating {first.H}×{first.W} with {second.H}×{second.W}");
        return first with { Name = _g.Node("Concat", [first.Name, second.Name], Int("axis", 1)) };
    }

    private Value Conv(string name, Conv2d c, Value x)
    {
        if (c.padding_type is not null || c.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"{name}: only explicit zero padding is exported");
        long[] k = c.kernel_size, s = c.stride, p = c.padding!, d = c.dilation;
        string node = _g.Node("Conv", Inputs(name, c.weight, c.bias, x),
                              Ints("kernel_shape", k), Ints("pads", p[0], p[1], p[0], p[1]), Ints("strides", s), Ints("dilations", d), Int("group", c.groups));
        return new Value(node, Out(x.H, k[0], s[0], p[0], d[0]), Out(x.W, k[1], s[1], p[1], d[1]));
    }

    private Value Transposed(string name, ConvTranspose2d t, Value x)
    {
        long[] k = t.kernel_size, s = t.stride, p = t.padding!, op = t.output_padding, d = t.dilation;
        string node = _g.Node("ConvTranspose", Inputs(name, t.weight, t.bias, x),
                              Ints("kernel_shape", k), Ints("strides", s), Ints("pads", p[0], p[1], p[0], p[1]), Ints("output_padding", op),
                              Ints("dilations", d), Int("group", t.groups));
        long H(long n, int i) => (n - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1;
        return new Value(node, H(x.H, 0), H(x.W, 1));
    }

    private Value MaxPool(string name, MaxPool2d m, Value x)
    {
        long[] k = m.kernel_size, s = m.stride ?? m.kernel_size, p = m.padding ?? [0, 0], d = m.dilation ?? [1, 1];
        string node = _g.Node("MaxPool", [x.Name], Ints("kernel_shape", k), Ints("strides", s), Ints("pads", p[0], p[1], p[0], p[1]),
                              Ints("dilations", d), Int("ceil_mode", m.ceil_mode ? 1 : 0));
        long O(long n, int i) => m.ceil_mode
            ? (long)Math.Ceiling((double)(n + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1
            : Out(n, k[i], s[i], p[i], d[i]);
        return new Value(node, O(x.H, 0), O(x.W, 1));
    }

    /// <summary>Upsample by a scale factor as Resize; align_corners maps src = dst·(in−1)/(out−1), as torch does.</summary>
    private Value Resize(string name, Upsample u, Value x)
    {
        double[] f = u.scale_factor.ToArray();
        if (f.Length != 2) throw new NotSupportedException($"{name}: only an Upsample by a scale factor is exported");
        string mode = u.mode switch
        {
            UpsampleMode.Nearest => "nearest",
            UpsampleMode.Bilinear => "linear",
            _ => throw new NotSupportedException($"{name}: upsampling mode {u.mode}"),
        };
        string transform = u.align_corners == true ? "align_corners" : u.mode == UpsampleMode.Nearest ? "asymmetric" : "half_pixel";
        string scales = _g.Initializer($"{name}.scales", [1f, 1f, (float)f[0], (float)f[1]], 4);
        string node = _g.Node("Resize", [x.Name, "", scales], String("mode", mode), String("coordinate_transformation_mode", transform));
        return new Value(node, (long)Math.Floor(x.H * f[0]), (long)Math.Floor(x.W * f[1]));
    }

    private string[] Inputs(string name, Tensor weight, Tensor? bias, Value x) =>
        bias is null ? [x.Name, Weight(name + ".weight", weight)] : [x.Name, Weight(name + ".weight", weight), Weight(name + ".bias", bias)];

    private static long Out(long n, long k, long s, long p, long d) => (n + 2 * p - d * (k - 1) - 1) / s + 1;

    /// <summary>A weight as an initializer named by its state-dict key.</summary>
    private string Weight(string key, Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return _g.Initializer(key, cpu.data<float>().ToArray(), cpu.shape);
    }
}
