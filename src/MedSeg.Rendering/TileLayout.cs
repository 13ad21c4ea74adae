namespace MedSeg.Rendering;

/// <summary>Splits a target into a grid of tiles, one per stream: as square as the count allows, row by row from the top-left.</summary>
public static class TileLayout
{
    /// <summary>The tiles of <paramref name="count"/> streams in a <paramref name="width"/> × <paramref name="height"/> target (GL convention: origin bottom-left).</summary>
    /// <remarks>Columns = ⌈√count⌉, rows = ⌈count / columns⌉ (2 → 2×1, 3–4 → 2×2, 5–6 → 3×2); tiles
    /// share the target's pixels without gaps, the last column and row taking the remainder.</remarks>
    public static ViewportRect[] Grid(int count, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        int rows = (count + columns - 1) / columns;
        var tiles = new ViewportRect[count];
        for (int i = 0; i < count; i++)
        {
            int column = i % columns, row = i / columns;
            int x0 = width * column / columns, x1 = width * (column + 1) / columns;
            // Row 0 is the top row: in GL's bottom-left origin it starts highest.
            int yTop = height - height * row / rows, yBottom = height - height * (row + 1) / rows;
            tiles[i] = new ViewportRect(x0, yBottom, x1 - x0, yTop - yBottom);
        }
        return tiles;
    }
}
