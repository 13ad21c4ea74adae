using MedSeg.Model.Training;

namespace MedSeg.Cli.Reports;

/// <summary>Training curves as PNG plots (ScottPlot): loss, and validation IoU / Dice.</summary>
public static class TrainingCurves
{
    /// <returns>the folder the PNGs were written to.</returns>
    public static string Write(string outDir, IReadOnlyList<EpochResult> history)
    {
        if (history.Count == 0) return outDir;
        double[] epochs = history.Select(static r => (double)r.Epoch).ToArray();

        var loss = new ScottPlot.Plot();
        loss.Add.Scatter(epochs, history.Select(static r => r.TrainLoss).ToArray()).LegendText = "train loss";
        loss.Add.Scatter(epochs, history.Select(static r => r.ValLoss).ToArray()).LegendText = "validation loss";
        loss.Title("Loss");
        loss.XLabel("epoch");
        loss.YLabel("loss");
        loss.ShowLegend();
        PlotFile.SavePng(loss, Path.Combine(outDir, "curves_loss.png"), 800, 500);

        var metrics = new ScottPlot.Plot();
        metrics.Add.Scatter(epochs, history.Select(static r => r.ValDice).ToArray()).LegendText = "validation Dice";
        metrics.Add.Scatter(epochs, history.Select(static r => r.ValIou).ToArray()).LegendText = "validation IoU";
        metrics.Title("Validation metrics");
        metrics.XLabel("epoch");
        metrics.YLabel("score");
        metrics.Axes.SetLimitsY(0, 1.05);
        metrics.ShowLegend();
        PlotFile.SavePng(metrics, Path.Combine(outDir, "curves_metrics.png"), 800, 500);
        return outDir;
    }
}
