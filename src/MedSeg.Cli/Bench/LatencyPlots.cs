using MedSeg.Cli.Reports;

namespace MedSeg.Cli.Bench;

/// <summary>Latency histogram and CDF as PNG (ScottPlot).</summary>
/// <remarks>
/// A scenario can end with no frame measured (a short run whose processed frames were all
/// warm-up, or an overload that dropped them): it is left out of the legend, and when no scenario
/// has a sample the PNG is still written, saying so, so the report never points at a missing file.
/// </remarks>
public static class LatencyPlots
{
    private const string NoSamples = " (no frames measured after warm-up)";

    public static void Histogram(string path, string title, IReadOnlyDictionary<string, double[]> series, int bins = 60)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        var plot = new ScottPlot.Plot();
        var measured = series.Where(static kv => kv.Value.Length > 0).ToArray();
        if (measured.Length == 0)
        {
            SaveEmpty(plot, path, title, "latency (ms)", "fraction of frames");
            return;
        }
        double lo = measured.Min(static kv => kv.Value.Min());
        double hi = measured.Max(static kv => kv.Value.Max());
        double width = Math.Max((hi - lo) / bins, 1e-3);
        foreach (var (name, values) in measured)
        {
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
        PlotFile.SavePng(plot, path, 900, 500);
    }

    public static void Cdf(string path, string title, IReadOnlyDictionary<string, double[]> series)
    {
        var plot = new ScottPlot.Plot();
        var measured = series.Where(static kv => kv.Value.Length > 0).ToArray();
        if (measured.Length == 0)
        {
            SaveEmpty(plot, path, title, "latency (ms)", "cumulative fraction");
            return;
        }
        foreach (var (name, values) in measured)
        {
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
        PlotFile.SavePng(plot, path, 900, 500);
    }

    private static void SaveEmpty(ScottPlot.Plot plot, string path, string title, string xLabel, string yLabel)
    {
        plot.Title(title + NoSamples);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        PlotFile.SavePng(plot, path, 900, 500);
    }
}
