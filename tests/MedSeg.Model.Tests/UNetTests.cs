using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class UNetTests
{
    /// <summary>
    /// Classic U-Net (depth 4, base 64, 1 in / 1 out, transposed conv, batch norm, no conv bias
    /// before BN), counted by hand from the layer shapes:
    ///   DoubleConv(i, o) = 9·i·o + 2·o + 9·o·o + 2·o        (two 3×3 convs, two BN with γ, β)
    ///   inc  DC(1, 64)       =     37,696
    ///   down DC(64, 128)     =    221,696
    ///   down DC(128, 256)    =    885,760
    ///   down DC(256, 512)    =  3,540,992
    ///   down DC(512, 1024)   = 14,159,872
    ///   up   ConvT(1024→512, 2×2, bias) 2,097,664 + DC(1024, 512) 7,079,936
    ///   up   ConvT(512→256)  524,544 + DC(512, 256) 1,770,496
    ///   up   ConvT(256→128)  131,200 + DC(256, 128)   442,880
    ///   up   ConvT(128→64)    32,832 + DC(128, 64)    110,848
    ///   outc 1×1 conv 64→1 with bias = 65
    ///   total = 31,036,481
    /// </summary>
    [Fact]
    public void ParameterCount_ClassicConfiguration_MatchesHandCount()
    {
        using var net = new UNet(new UNetOptions { InChannels = 1, ClassNames = ["background", "lesion"], Depth = 4, BaseWidth = 64 });
        Assert.Equal(31_036_481, net.ParameterCount());
    }

    [Fact]
    public void ParameterCount_MatchesFormulaForAnyDepthAndWidth()
    {
        // The same hand formula, generalised: it must hold for other shapes too, not just the classic one.
        static long Dc(long i, long o) => 9 * i * o + 2 * o + 9 * o * o + 2 * o;
        foreach (var (depth, width, inCh, classes) in new[] { (2, 8, 3, 4), (3, 4, 1, 2), (5, 2, 2, 3) })
        {
            long expected = Dc(inCh, width);
            for (int l = 1; l <= depth; l++) expected += Dc((long)width << (l - 1), (long)width << l);
            for (int l = depth; l >= 1; l--)
            {
                long wl = (long)width << l;
                expected += wl * (wl / 2) * 4 + wl / 2 + Dc(wl, wl / 2);
            }
            long outCh = classes == 2 ? 1 : classes;
            expected += width * outCh + outCh;
            var names = Enumerable.Range(0, classes).Select(c => c == 0 ? "background" : $"c{c}").ToArray();
            using var net = new UNet(new UNetOptions { InChannels = inCh, ClassNames = names, Depth = depth, BaseWidth = width });
            Assert.Equal(expected, net.ParameterCount());
        }
    }

    [Theory]
    [InlineData(2, Upsampling.Transposed)]
    [InlineData(3, Upsampling.Transposed)]
    [InlineData(2, Upsampling.Bilinear)]
    [InlineData(3, Upsampling.Bilinear)]
    public void Forward_MultiClass_KeepsSpatialSizeAndGivesOneChannelPerClass(int classes, Upsampling up)
    {
        var names = Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray();
        using var net = new UNet(new UNetOptions { InChannels = 3, ClassNames = names, Depth = 3, BaseWidth = 4, Upsampling = up });
        net.eval();
        using var x = randn(2, 3, 64, 64);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 2, classes == 2 ? 1 : classes, 64, 64 }, y.shape);
    }

    [Fact]
    public void Forward_OddSize_PadsInsteadOfFailing()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4 });
        net.eval();
        using var x = randn(1, 1, 66, 70);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 1, 1, 66, 70 }, y.shape);
    }

    [Fact]
    public void Forward_DropoutAndNoBatchNorm_Builds()
    {
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, BatchNorm = false, Dropout = 0.2 });
        using var x = randn(1, 1, 32, 32);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 1, 1, 32, 32 }, y.shape);
        // Without batch norm every conv keeps its bias: one more parameter tensor per conv.
        Assert.Contains(net.named_parameters(), p => p.name.EndsWith("double_conv.0.bias", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_InvalidDepth_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UNetOptions { Depth = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new UNetOptions { ClassNames = ["background"] }.Validate());
    }
}
