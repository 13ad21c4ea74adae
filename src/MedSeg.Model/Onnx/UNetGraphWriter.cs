using static MedSeg.Model.Onnx.OnnxAttributes;
using static TorchSharp.torch;

namespace MedSeg.Model.Onnx;

/// <summary>
/// Writes a batch-norm-free <see cref="UNet"/>'s forward pass as ONNX nodes, block by block as
/// <see cref="UNet.forward"/> runs them (inc, downs, ups, outc), with the weights as initializers
/// named by their state-dict keys. The input size is fixed, so the odd-size padding of each
/// <see cref="Up"/> is computed here and written as constants.
/// </summary>
public sealed class UNetGraphWriter
{
    private readonly OnnxGraphBuilder _g;
    private readonly IReadOnlyDictionary<string, Tensor> _state;
    private readonly UNetOptions _options;

    public UNetGraphWriter(OnnxGraphBuilder graph, UNet model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Options.BatchNorm) throw new ArgumentException("fold batch norm first (BatchNormFolding.Fold)", nameof(model));
        _g = graph;
        _state = model.state_dict();
        _options = model.Options;
    }

    /// <summary>Writes the network on <paramref name="input"/> (N×C×H×W) and returns the name of its logits (N×K×H×W).</summary>
    public string Write(string input, int height, int width)
    {
        // Encoder: each level's output is kept for the skip connections, with its size.
        var skips = new List<(string Name, int H, int W)>();
        string x = DoubleConv("inc", input);
        (int h, int w) = (height, width);
        for (int i = 0; i < _options.Depth; i++)
        {
            skips.Add((x, h, w));
            x = _g.Node("MaxPool", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
            (h, w) = (h / 2, w / 2); // MaxPool2d(2) floors, as ONNX MaxPool does by default
            x = DoubleConv($"downs.{i}.maxpool_conv.1", x);
        }
        // Decoder: upsample, pad to the skip's size, concatenate [skip, upsampled], double conv.
        for (int i = 0; i < _options.Depth; i++)
        {
            var skip = skips[^(i + 1)];
            string up = _options.Upsampling == Upsampling.Bilinear ? Bilinear(x) : Transposed($"ups.{i}.up", x);
            (h, w) = (2 * h, 2 * w);
            up = PadTo(up, skip.H - h, skip.W - w);
            (h, w) = (skip.H, skip.W);
            x = _g.Node("Concat", [skip.Name, up], Int("axis", 1));
            x = DoubleConv($"ups.{i}.conv", x);
        }
        return Conv("outc.conv", x, kernel: 1);
    }

    /// <summary>(conv => ReLU) * 2: DoubleConv's Sequential entries "0" and "3" once BN is folded.</summary>
    private string DoubleConv(string prefix, string x)
    {
        x = _g.Node("Relu", [Conv($"{prefix}.double_conv.0", x, kernel: 3)]);
        return _g.Node("Relu", [Conv($"{prefix}.double_conv.3", x, kernel: 3)]);
    }

    private string Conv(string prefix, string x, int kernel)
    {
        long pad = kernel / 2;
        return _g.Node("Conv", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")],
                       Ints("kernel_shape", kernel, kernel), Ints("pads", pad, pad, pad, pad), Ints("strides", 1, 1));
    }

    private string Transposed(string prefix, string x) =>
        _g.Node("ConvTranspose", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));

    /// <summary>Upsample(scale 2, bilinear, align_corners) as Resize: out = 2·in, src = dst·(in−1)/(out−1).</summary>
    private string Bilinear(string x)
    {
        string scales = _g.Graph.Initializer.Any(static t => t.Name == "resize_scales")
            ? "resize_scales"
            : _g.Initializer("resize_scales", [1f, 1f, 2f, 2f], 4);
        return _g.Node("Resize", [x, "", scales], String("mode", "linear"), String("coordinate_transformation_mode", "align_corners"));
    }

    /// <summary>Up.forward's F.pad [dx/2, dx−dx/2, dy/2, dy−dy/2] as ONNX Pad (begins of all axes, then ends).</summary>
    private string PadTo(string x, int dy, int dx)
    {
        if (dy == 0 && dx == 0) return x;
        if (dy < 0 || dx < 0) throw new InvalidOperationException($"upsampled map larger than its skip ({dy}, {dx})");
        string pads = _g.Initializer($"pads_{_g.Graph.Initializer.Count}", [0L, 0, dy / 2, dx / 2, 0, 0, dy - dy / 2, dx - dx / 2], 8);
        return _g.Node("Pad", [x, pads], String("mode", "constant"));
    }

    /// <summary>A weight as an initializer named by its state-dict key (added once).</summary>
    private string Weight(string key)
    {
        if (!_state.TryGetValue(key, out var t))
            throw new ArgumentException($"the model has no parameter '{key}' (not a {nameof(UNet)} of {_options.Describe()}?)");
        if (_g.Graph.Initializer.Any(i => i.Name == key)) return key;
        using var cpu = t.detach().cpu().contiguous();
        var values = cpu.data<float>().ToArray();
        return _g.Initializer(key, values, cpu.shape);
    }
}
