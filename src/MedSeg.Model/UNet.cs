using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>
/// U-Net (Ronneberger et al. 2015) as in Pytorch-UNet, with configurable depth and width.
/// Outputs logits [N, OutChannels, H, W]; H and W must be divisible by 2^Depth.
/// </summary>
public sealed class UNet : Module<Tensor, Tensor>
{
    private readonly DoubleConv inc;
    private readonly ModuleList<Down> downs;
    private readonly ModuleList<Up> ups;
    private readonly OutConv outc;

    public UNet(UNetOptions options) : base(nameof(UNet))
    {
        Options = options.Validate();
        bool bilinear = options.Upsampling == Upsampling.Bilinear;
        int factor = bilinear ? 2 : 1;
        long W(int level) => (long)options.BaseWidth << level;

        inc = new DoubleConv(options.InChannels, W(0), options.BatchNorm, options.Dropout);
        downs = new ModuleList<Down>();
        for (int i = 1; i <= options.Depth; i++)
        {
            // With bilinear upsampling the bottom block is halved so the concatenations line up (Pytorch-UNet's `factor`).
            long outCh = i == options.Depth ? W(i) / factor : W(i);
            downs.Add(new Down(W(i - 1), outCh, options.BatchNorm, options.Dropout));
        }
        ups = new ModuleList<Up>();
        for (int i = options.Depth; i >= 1; i--)
        {
            long outCh = i == 1 ? W(0) : W(i - 1) / factor;
            ups.Add(new Up(W(i), outCh, bilinear, options.BatchNorm, options.Dropout));
        }
        outc = new OutConv(W(0), options.OutChannels);
        RegisterComponents();
    }

    public UNetOptions Options { get; }

    public long ParameterCount() => parameters().Sum(p => p.numel());

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Trace(EagerTracer.Instance, x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The network, once: every consumer (the forward pass above, the ONNX writer, the generated
    /// TorchScript) walks this wiring through its own <see cref="INetworkTracer{T}"/>.
    /// </summary>
    public T Trace<T>(INetworkTracer<T> tracer, T x)
    {
        // Encoder: keep every level's output for the skip connections (x1 … x_depth+1 in Pytorch-UNet).
        var skips = new T[downs.Count + 1];
        skips[0] = inc.Trace(tracer, nameof(inc), x);
        for (int i = 0; i < downs.Count; i++) skips[i + 1] = downs[i].Trace(tracer, $"{nameof(downs)}.{i}", skips[i]);
        // Decoder: walk back up, each Up joins the matching encoder level.
        var y = skips[^1];
        for (int i = 0; i < ups.Count; i++) y = ups[i].Trace(tracer, $"{nameof(ups)}.{i}", y, skips[downs.Count - 1 - i]);
        return outc.Trace(tracer, nameof(outc), y);
    }
}
