namespace MedSeg.Model;

/// <summary>
/// Forward-pass cost of a U-Net, counted from its layer shapes: 2 FLOP per multiply–add of every
/// convolution (3×3, transposed 2×2, 1×1 head). Batch norm, ReLU, pooling and upsampling are
/// left out: they are memory-bound and a few percent of the total.
/// </summary>
public static class ModelFlops
{
    public static double GflopPerFrame(UNetOptions o, int height, int width)
    {
        bool bilinear = o.Upsampling == Upsampling.Bilinear;
        int factor = bilinear ? 2 : 1;
        long W(int level) => (long)o.BaseWidth << level;
        double Px(int level) => (double)(height >> level) * (width >> level);
        double DoubleConv(long cin, long cout, long mid, int level) => 2 * 9 * (cin * mid + mid * cout) * Px(level);

        double flops = DoubleConv(o.InChannels, W(0), W(0), 0);
        for (int i = 1; i <= o.Depth; i++)
        {
            long outCh = i == o.Depth ? W(i) / factor : W(i);
            flops += DoubleConv(W(i - 1), outCh, outCh, i);
        }
        for (int i = o.Depth; i >= 1; i--)
        {
            long outCh = i == 1 ? W(0) : W(i - 1) / factor;
            if (bilinear)
                flops += DoubleConv(W(i), outCh, W(i) / 2, i - 1);
            else
                flops += 2.0 * W(i) * (W(i) / 2) * 4 * Px(i) + DoubleConv(W(i), outCh, outCh, i - 1);
        }
        flops += 2.0 * W(0) * o.OutChannels * Px(0);
        return flops / 1e9;
    }
}
