using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Lists a network's leaf modules in forward order with their state-dict names, running nothing:
/// what structural passes (batch-norm folding) read instead of assuming names or positions.
/// </summary>
public sealed class LayerListTracer : INetworkTracer<int>
{
    public List<(string Name, nn.Module<Tensor, Tensor> Layer)> Layers { get; } = [];

    public static IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Layer)> Of(UNet model)
    {
        var tracer = new LayerListTracer();
        model.Trace(tracer, 0);
        return tracer.Layers;
    }

    public int Layer(string name, nn.Module<Tensor, Tensor> layer, int x)
    {
        Layers.Add((name, layer));
        return x;
    }

    public int PadTo(int x, int like) => x;

    public int Concat(int first, int second) => first;
}
