namespace MedSeg.Model.Tests;

/// <summary>The traced wiring is the whole module tree: what every consumer (forward, ONNX, TorchScript, folding) walks.</summary>
public sealed class TraceTests
{
    [Theory]
    [InlineData(1, Upsampling.Transposed, true, 0.0)]
    [InlineData(3, Upsampling.Bilinear, true, 0.2)]
    [InlineData(4, Upsampling.Transposed, false, 0.0)]
    public void Trace_VisitsEveryLeafModuleOnceInForwardOrder(int depth, Upsampling up, bool batchNorm, double dropout)
    {
        using var net = new UNet(new UNetOptions { Depth = depth, BaseWidth = 4, Upsampling = up, BatchNorm = batchNorm, Dropout = dropout });
        var traced = LayerListTracer.Of(net).Select(static l => l.Name).ToList();
        // A module registered but never traced would be missing from every export and from the forward pass.
        var leaves = net.named_modules().Where(static m => !m.module.children().Any()).Select(static m => m.name).ToList();
        Assert.Equal(leaves.Order(StringComparer.Ordinal), traced.Order(StringComparer.Ordinal));
        Assert.Equal(traced.Count, traced.Distinct().Count());
        Assert.StartsWith("inc.", traced[0], StringComparison.Ordinal);
        Assert.StartsWith("outc.", traced[^1], StringComparison.Ordinal);
    }
}
