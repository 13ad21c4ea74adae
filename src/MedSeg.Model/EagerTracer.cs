using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MedSeg.Model;

/// <summary>
/// Runs each step: the traced network is the forward pass (training, evaluation, the eager
/// engine). Intermediates belong to the caller's dispose scope (<see cref="UNet.forward"/> opens one).
/// </summary>
public sealed class EagerTracer : INetworkTracer<Tensor>
{
    public static EagerTracer Instance { get; } = new();

    private EagerTracer() { }

    public Tensor Layer(string name, Module<Tensor, Tensor> layer, Tensor x) => layer.forward(x);

    public Tensor PadTo(Tensor x, Tensor like)
    {
        long dy = like.shape[2] - x.shape[2], dx = like.shape[3] - x.shape[3];
        return dy == 0 && dx == 0 ? x : functional.pad(x, [dx / 2, dx - dx / 2, dy / 2, dy - dy / 2]);
    }

    public Tensor Concat(Tensor first, Tensor second) => torch.cat([first, second], 1);
}
