using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>Small U-Nets whose batch norms carry non-trivial running statistics, as training leaves them (shared with the engine tests).</summary>
public static class TrainedLookingNets
{
    public static UNet ThreeClass(bool bilinear = false)
    {
        manual_seed(11);
        var net = new UNet(new UNetOptions { ClassNames = ["background", "a", "b"], Depth = 2, BaseWidth = 4,
                                             Upsampling = bilinear ? Upsampling.Bilinear : Upsampling.Transposed });
        net.train();
        using (no_grad())
            for (int i = 0; i < 5; i++) net.forward(randn(4, 1, 32, 32) * 3 + 1).Dispose();
        net.eval();
        return net;
    }
}
