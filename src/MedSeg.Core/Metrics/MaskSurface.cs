namespace MedSeg.Core.Metrics;

/// <summary>
/// Boundary pixels of a binary mask as MONAI and medpy define them: <c>mask XOR erode(mask)</c> with
/// the 4-connected cross and a background border, i.e. foreground pixels that have a 4-neighbour
/// outside the foreground or lie on the image edge.
/// </summary>
internal static class MaskSurface
{
    /// <summary>Writes the row-major indices of the surface pixels of "mask == classId" into
    /// <paramref name="indices"/> (at least width * height long) and returns how many there are.</summary>
    public static int Extract(ReadOnlySpan<byte> mask, int width, int height, byte classId, Span<int> indices)
    {
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            bool edgeRow = y == 0 || y == height - 1;
            for (int x = 0; x < width; x++)
            {
                int i = row + x;
                if (mask[i] != classId) continue;
                bool surface = edgeRow || x == 0 || x == width - 1
                    || mask[i - 1] != classId || mask[i + 1] != classId
                    || mask[i - width] != classId || mask[i + width] != classId;
                if (surface) indices[count++] = i;
            }
        }
        return count;
    }
}
