namespace MedSeg.Core.Tests.Metrics;

/// <summary>Small mask builders so tests can draw masks as text and reason about them by hand.</summary>
internal static class TestMasks
{
    /// <summary>One string per row; '0'..'9' are class ids and '.' is background.</summary>
    public static (byte[] Pixels, int Width, int Height) Parse(params string[] rows)
    {
        int width = rows[0].Length;
        var pixels = new byte[width * rows.Length];
        for (int y = 0; y < rows.Length; y++)
        {
            if (rows[y].Length != width) throw new ArgumentException($"row {y} has {rows[y].Length} characters, expected {width}");
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = rows[y][x] == '.' ? (byte)0 : (byte)(rows[y][x] - '0');
        }
        return (pixels, width, rows.Length);
    }

    /// <summary>A filled axis-aligned square of side <paramref name="side"/> with top-left corner (x0, y0).</summary>
    public static byte[] Square(int width, int height, int x0, int y0, int side, byte value = 1)
    {
        var pixels = new byte[width * height];
        for (int y = y0; y < y0 + side; y++)
            for (int x = x0; x < x0 + side; x++)
                pixels[y * width + x] = value;
        return pixels;
    }

    /// <summary>Blob-like random mask: a few random discs and rectangles plus salt noise, so surfaces
    /// have holes, thin parts and isolated pixels.</summary>
    public static byte[] RandomBlobs(Random rng, int width, int height, int shapes, double noise, byte value = 1)
    {
        var pixels = new byte[width * height];
        for (int s = 0; s < shapes; s++)
        {
            int cx = rng.Next(width), cy = rng.Next(height);
            int r = 1 + rng.Next(Math.Max(1, Math.Min(width, height) / 4));
            bool disc = rng.Next(2) == 0;
            for (int y = Math.Max(0, cy - r); y <= Math.Min(height - 1, cy + r); y++)
                for (int x = Math.Max(0, cx - r); x <= Math.Min(width - 1, cx + r); x++)
                    if (!disc || (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                        pixels[y * width + x] = value;
        }
        for (int i = 0; i < pixels.Length; i++)
            if (rng.NextDouble() < noise) pixels[i] = pixels[i] == value ? (byte)0 : value;
        return pixels;
    }

    /// <summary>Each pixel independently set with probability <paramref name="density"/>.</summary>
    public static byte[] RandomNoise(Random rng, int width, int height, double density, byte value = 1)
    {
        var pixels = new byte[width * height];
        for (int i = 0; i < pixels.Length; i++)
            if (rng.NextDouble() < density) pixels[i] = value;
        return pixels;
    }
}
