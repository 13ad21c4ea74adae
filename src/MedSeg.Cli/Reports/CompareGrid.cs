using MedSeg.Model.Training;
using OpenCvSharp;

namespace MedSeg.Cli.Reports;

/// <summary>PNG grid of the most regressed cases, one row each: image | ground truth | model A | model B, with both Dice values.</summary>
public sealed class CompareGrid
{
    private readonly List<Mat> _rows = [];

    public void Add(PreparedDataset data, int index, byte[] a, byte[] b, double diceA, double diceB)
    {
        int h = data.Height, w = data.Width;
        using var image = EvalGrid.DisplayImage(data.Image(index), h, w);
        using var truth = EvalGrid.Colorize(data.Mask(index), h, w);
        using var pa = EvalGrid.Colorize(a, h, w);
        using var pb = EvalGrid.Colorize(b, h, w);
        var row = new Mat();
        Cv2.HConcat([image, truth, pa, pb], row);
        Cv2.PutText(row, $"{data.Id(index)}  A {diceA:F3}  B {diceB:F3}", new Point(3, 12), HersheyFonts.HersheySimplex, 0.35, Scalar.Yellow, 1, LineTypes.AntiAlias);
        _rows.Add(row);
    }

    public void Save(string path)
    {
        if (_rows.Count == 0) return;
        using var grid = new Mat();
        Cv2.VConcat(_rows.ToArray(), grid);
        using var header = new Mat(18, grid.Cols, MatType.CV_8UC3, Scalar.Black);
        string[] titles = ["image", "ground truth", "model A", "model B"];
        for (int i = 0; i < 4; i++)
            Cv2.PutText(header, titles[i], new Point(i * (grid.Cols / 4) + 4, 13), HersheyFonts.HersheySimplex, 0.4, Scalar.White, 1, LineTypes.AntiAlias);
        using var all = new Mat();
        Cv2.VConcat([header, grid], all);
        Imaging.Io.ImageIo.WritePng(path, all);
        foreach (var r in _rows) r.Dispose();
        _rows.Clear();
    }
}
