using MedSeg.Core.IO;

namespace MedSeg.Cli.Reports;

/// <summary>Saves a ScottPlot plot as a PNG through <see cref="OutputFile"/>, so a full disk names the plot's file.</summary>
public static class PlotFile
{
    public static void SavePng(ScottPlot.Plot plot, string path, int width, int height) =>
        OutputFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
}
