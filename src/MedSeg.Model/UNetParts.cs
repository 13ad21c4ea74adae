using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>(conv => [BN] => ReLU) * 2, then optional Dropout2d. BN is the project's own <see cref="BatchNorm2d"/> (issue 10).</summary>
public sealed class DoubleConv : Module<Tensor, Tensor>, ITraceable
{
    private readonly Sequential double_conv;

    public DoubleConv(long inChannels, long outChannels, bool batchNorm, double dropout, long? midChannels = null)
        : base(nameof(DoubleConv))
    {
        long mid = midChannels ?? outChannels;
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        // A conv bias before batch norm is redundant (BN re-centres), so it is dropped as in Pytorch-UNet.
        layers.Add(("0", Conv2d(inChannels, mid, 3, padding: 1, bias: !batchNorm)));
        if (batchNorm) layers.Add(("1", new BatchNorm2d(mid)));
        layers.Add(("2", ReLU(inplace: true)));
        layers.Add(("3", Conv2d(mid, outChannels, 3, padding: 1, bias: !batchNorm)));
        if (batchNorm) layers.Add(("4", new BatchNorm2d(outChannels)));
        layers.Add(("5", ReLU(inplace: true)));
        if (dropout > 0) layers.Add(("6", Dropout2d(dropout)));
        double_conv = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => double_conv.forward(x);

    public T Trace<T>(INetworkTracer<T> tracer, string prefix, T x) =>
        TracedSequence.Trace(tracer, TracedSequence.Join(prefix, nameof(double_conv)), double_conv, x);
}

/// <summary>Downscaling with maxpool then double conv.</summary>
public sealed class Down : Module<Tensor, Tensor>, ITraceable
{
    private readonly Sequential maxpool_conv;

    public Down(long inChannels, long outChannels, bool batchNorm, double dropout) : base(nameof(Down))
    {
        maxpool_conv = Sequential(("0", MaxPool2d(2)), ("1", new DoubleConv(inChannels, outChannels, batchNorm, dropout)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => maxpool_conv.forward(x);

    public T Trace<T>(INetworkTracer<T> tracer, string prefix, T x) =>
        TracedSequence.Trace(tracer, TracedSequence.Join(prefix, nameof(maxpool_conv)), maxpool_conv, x);
}

/// <summary>Upscaling (transposed conv, or bilinear + conv) then double conv over [skip, upsampled].</summary>
public sealed class Up : Module<Tensor, Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> up;
    private readonly DoubleConv conv;

    public Up(long inChannels, long outChannels, bool bilinear, bool batchNorm, double dropout) : base(nameof(Up))
    {
        if (bilinear)
        {
            up = Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Bilinear, align_corners: true);
            conv = new DoubleConv(inChannels, outChannels, batchNorm, dropout, inChannels / 2);
        }
        else
        {
            up = ConvTranspose2d(inChannels, inChannels / 2, 2, stride: 2);
            conv = new DoubleConv(inChannels, outChannels, batchNorm, dropout);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor skip)
    {
        using var scope = NewDisposeScope();
        return Trace(EagerTracer.Instance, "", x, skip).MoveToOuterDisposeScope();
    }

    /// <summary>Upsample, pad to the skip's size (odd inputs), concatenate [skip, upsampled], double conv.</summary>
    public T Trace<T>(INetworkTracer<T> tracer, string prefix, T x, T skip)
    {
        var upsampled = tracer.PadTo(tracer.Layer(TracedSequence.Join(prefix, nameof(up)), up, x), skip);
        return conv.Trace(tracer, TracedSequence.Join(prefix, nameof(conv)), tracer.Concat(skip, upsampled));
    }
}

/// <summary>1×1 convolution to the output channels (logits).</summary>
public sealed class OutConv : Module<Tensor, Tensor>, ITraceable
{
    private readonly Conv2d conv;

    public OutConv(long inChannels, long outChannels) : base(nameof(OutConv))
    {
        conv = Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => conv.forward(x);

    public T Trace<T>(INetworkTracer<T> tracer, string prefix, T x) => tracer.Layer(TracedSequence.Join(prefix, nameof(conv)), conv, x);
}
