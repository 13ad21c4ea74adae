namespace MedSeg.Cli.Bench;

/// <summary>Latency histogram and CDF as PNG (ScottPlot).</summary>
public static class LatencyPlots
{
    public static void Histogram(string path, string title, IReadOnlyDictionary<string, double[]> series, int bins = 60)
    {
        var plot = new ScottPlot.Plot();
        double lo = series.Values.Where(static v => v.Length > 0).Min(static v => v.Min());
        double hi = series.Values.Where(static v => v.Length > 0).Max(static v => v.Max());
        double width = Math.Max((hi - lo) / bins, 1e-3);
        foreach (var (name, values) in series)
        {
            if (values.Length == 0) continue;
            var counts = new double[bins + 1];
            foreach (double v in values) counts[Math.Min(bins, (int)((v - lo) / width))]++;
            var centres = Enumerable.Range(0, bins + 1).Select(i => lo + (i + 0.5) * width).ToArray();
            var bars = plot.Add.Bars(centres, counts.Select(c => c / values.Length).ToArray());
            foreach (var b in bars.Bars) b.Size = width * 0.9;
            bars.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("latency (ms)");
        plot.YLabel("fraction of frames");
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }

    public static void Cdf(string path, string title, IReadOnlyDictionary<string, double[]> series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, values) in series)
        {
            if (values.Length == 0) continue;
            var sorted = values.Order().ToArray();
            var ys = Enumerable.Range(1, sorted.Length).Select(i => (double)i / sorted.Length).ToArray();
            var line = plot.Add.Scatter(sorted, ys);
            line.MarkerSize = 0;
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("latency (ms)");
        plot.YLabel("cumulative fraction");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }
}
