using MedSeg.Core.Metrics;

namespace MedSeg.Cli.Reports;

/// <summary>The JSON report of `medseg eval`.</summary>
public sealed record EvalReport(
    string Checkpoint, string CheckpointSha256, string Model, string Dataset, string Subset, double Threshold,
    int Images, int SkippedSamples, MetricsSummary Summary, IReadOnlyList<EvalImage> PerImage, IReadOnlyList<string> Conventions)
{
    public static readonly IReadOnlyList<string> StandardConventions =
    [
        "Metrics are computed per image and per foreground class (background excluded), then averaged over images; " +
        "'pooled' values come from the counts summed over all images.",
        "A class absent from both prediction and ground truth in an image counts as IoU = Dice = precision = recall = 1 (perfect); " +
        "the number of such cases is reported per class as bothEmptyCount.",
        "HD95 (pixels) is undefined when exactly one of prediction and ground truth is empty; such images are left out of the " +
        "HD95 mean and counted in hd95Undefined. Both empty gives 0.",
        "Standard deviations are population standard deviations over images.",
    ];

    public void Save(string path)
    {
        ReportJson.Save(path, this);
    }

    public static EvalReport Load(string path) =>
        ReportJson.Load<EvalReport>(path);
}

public sealed record EvalImage(string Id, double PixelAccuracy, IReadOnlyList<EvalClass> Classes)
{
    public static EvalImage From(ImageMetrics m) => new(m.Id, m.PixelAccuracy,
        m.Classes.Select(static c => new EvalClass(c.ClassId, c.Iou, c.Dice, c.Precision, c.Recall, c.Hd95, c.BothEmpty)).ToList());
}

public sealed record EvalClass(int ClassId, double Iou, double Dice, double Precision, double Recall, double Hd95, bool BothEmpty);
