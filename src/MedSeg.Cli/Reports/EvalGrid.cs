using MedSeg.Model.Training;
using OpenCvSharp;

namespace MedSeg.Cli.Reports;

/// <summary>
/// PNG grid, one row per sample: image | ground truth | prediction | overlay (prediction filled,
/// ground truth outlined in white) — what the U-Net tutorials plot with matplotlib.
/// </summary>
public sealed class EvalGrid
{
    private const int Alpha = 45; // percent of class colour in the overlay
    private readonly List<Mat> _rows = [];

    public int Count => _rows.Count;

    public void Add(PreparedDataset data, int index, byte[] predicted)
    {
        int h = data.Height, w = data.Width;
        using var image = DisplayImage(data.Image(index), h, w);
        using var truth = Colorize(data.Mask(index), h, w);
        using var pred = Colorize(predicted, h, w);
        using var overlay = image.Clone();
        var mask = data.Mask(index);
        // Freshly made Mats are continuous: row-major spans, like the masks.
        var ov = overlay.AsSpan<Vec3b>();
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = y * w + x, id = predicted[i];
            if (id != 0)
            {
                var c = ClassColors.For(id);
                var p = ov[i];
                ov[i] = new Vec3b(Mix(p.Item0, c.Item0), Mix(p.Item1, c.Item1), Mix(p.Item2, c.Item2));
            }
            if (IsEdge(mask, x, y, w, h)) ov[i] = new Vec3b(255, 255, 255);
        }
        var row = new Mat();
        Cv2.HConcat([image, truth, pred, overlay], row);
        Cv2.PutText(row, data.Id(index), new Point(3, 12), HersheyFonts.HersheySimplex, 0.35, Scalar.Yellow, 1, LineTypes.AntiAlias);
        _rows.Add(row);
    }

    public void Save(string path)
    {
        if (_rows.Count == 0) return;
        using var grid = new Mat();
        Cv2.VConcat(_rows.ToArray(), grid);
        int headerH = 18;
        using var header = new Mat(headerH, grid.Cols, MatType.CV_8UC3, Scalar.Black);
        int cell = grid.Cols / 4;
        string[] titles = ["image", "ground truth", "prediction", "overlay"];
        for (int i = 0; i < 4; i++)
            Cv2.PutText(header, titles[i], new Point(i * cell + 4, 13), HersheyFonts.HersheySimplex, 0.4, Scalar.White, 1, LineTypes.AntiAlias);
        using var all = new Mat();
        Cv2.VConcat([header, grid], all);
        Imaging.Io.ImageIo.WritePng(path, all);
        foreach (var r in _rows) r.Dispose();
        _rows.Clear();
    }

    private static byte Mix(byte a, byte b) => (byte)((a * (100 - Alpha) + b * Alpha) / 100);

    private static bool IsEdge(ReadOnlySpan<byte> m, int x, int y, int w, int h)
    {
        byte v = m[y * w + x];
        if (v == 0) return false;
        return (x > 0 && m[y * w + x - 1] != v) || (x < w - 1 && m[y * w + x + 1] != v)
            || (y > 0 && m[(y - 1) * w + x] != v) || (y < h - 1 && m[(y + 1) * w + x] != v);
    }

    /// <summary>First input channel, min–max stretched to 8 bits for display only.</summary>
    internal static Mat DisplayImage(ReadOnlySpan<float> chw, int h, int w)
    {
        var plane = chw[..(h * w)];
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (float v in plane) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        float scale = hi > lo ? 255f / (hi - lo) : 0f;
        var gray = new Mat(h, w, MatType.CV_8UC1);
        var g = gray.AsSpan<byte>();
        for (int i = 0; i < plane.Length; i++) g[i] = (byte)Math.Clamp((plane[i] - lo) * scale, 0, 255);
        var bgr = new Mat();
        Cv2.CvtColor(gray, bgr, ColorConversionCodes.GRAY2BGR);
        gray.Dispose();
        return bgr;
    }

    internal static Mat Colorize(ReadOnlySpan<byte> ids, int h, int w)
    {
        var m = new Mat(h, w, MatType.CV_8UC3, Scalar.Black);
        var px = m.AsSpan<Vec3b>();
        for (int i = 0; i < h * w; i++)
            if (ids[i] != 0) px[i] = ClassColors.For(ids[i]);
        return m;
    }
}
