namespace MedSeg.Core.Recording;

/// <summary>
/// Nearest-neighbour resizing of class-id masks, bit-identical to OpenCV's INTER_NEAREST_EXACT
/// (the preprocessor's mask resize), so scores computed here match `medseg eval`.
/// </summary>
public static class MaskResize
{
    public static void NearestExact(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, Span<byte> dst, int dstWidth, int dstHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstHeight);
        if (src.Length != srcWidth * srcHeight) throw new ArgumentException($"source has {src.Length} pixels, not {srcWidth}×{srcHeight}", nameof(src));
        if (dst.Length != dstWidth * dstHeight) throw new ArgumentException($"target has {dst.Length} pixels, not {dstWidth}×{dstHeight}", nameof(dst));
        if (srcWidth == dstWidth && srcHeight == dstHeight)
        {
            src.CopyTo(dst);
            return;
        }
        // OpenCV resizeNN_bitexact: 16.16 fixed point, sampling at pixel centres.
        int ifx = ((srcWidth << 16) + dstWidth / 2) / dstWidth, ifx0 = ifx / 2 - srcWidth % 2;
        int ify = ((srcHeight << 16) + dstHeight / 2) / dstHeight, ify0 = ify / 2 - srcHeight % 2;
        Span<int> xs = dstWidth <= 4096 ? stackalloc int[dstWidth] : new int[dstWidth];
        for (int x = 0; x < dstWidth; x++) xs[x] = Math.Min((int)(((long)ifx * x + ifx0) >> 16), srcWidth - 1);
        for (int y = 0; y < dstHeight; y++)
        {
            int sy = Math.Min((int)(((long)ify * y + ify0) >> 16), srcHeight - 1);
            var row = src.Slice(sy * srcWidth, srcWidth);
            var outRow = dst.Slice(y * dstWidth, dstWidth);
            for (int x = 0; x < dstWidth; x++) outRow[x] = row[xs[x]];
        }
    }
}
