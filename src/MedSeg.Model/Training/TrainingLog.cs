using System.Globalization;
using System.Text.Json;

namespace MedSeg.Model.Training;

/// <summary>Per-epoch log written as it goes (CSV for spreadsheets, JSON for tools), so a killed run keeps its history.</summary>
public sealed class TrainingLog
{
    private readonly string _csv;
    private readonly string _json;
    private readonly List<EpochResult> _rows = [];

    public TrainingLog(string outDir, IEnumerable<EpochResult>? previous = null)
    {
        _csv = Path.Combine(outDir, "log.csv");
        _json = Path.Combine(outDir, "log.json");
        if (previous != null) _rows.AddRange(previous);
    }

    public IReadOnlyList<EpochResult> Rows => _rows;

    public void Append(EpochResult r)
    {
        _rows.Add(r);
        // Per-class columns follow the classes of the first validated multi-class row; a refit epoch
        // (nothing held out) leaves them empty.
        var classes = _rows.FirstOrDefault(static x => x.ValClasses is { Count: > 0 })?.ValClasses?.Select(static c => c.Name).ToArray() ?? [];
        string header = "epoch,train_loss,val_loss,val_dice,val_iou,val_precision,val_recall,lr,seconds,best"
                        + string.Concat(classes.Select(static n => $",val_dice_{Column(n)},val_pooled_dice_{Column(n)}"));
        var lines = new List<string> { header };
        lines.AddRange(_rows.Select(x => string.Join(',',
            x.Epoch.ToString(CultureInfo.InvariantCulture), F(x.TrainLoss), F(x.ValLoss), F(x.ValDice), F(x.ValIou),
            F(x.ValPrecision), F(x.ValRecall), F(x.LearningRate), F(x.Seconds), x.Best ? "1" : "0")
            + string.Concat(classes.Select(n => x.ValClasses?.FirstOrDefault(c => c.Name == n) is { } c ? $",{F(c.Dice)},{F(c.PooledDice)}" : ",,"))));
        Core.IO.OutputFile.WriteAllLines(_csv, lines);
        Core.IO.OutputFile.WriteAllText(_json, JsonSerializer.Serialize(_rows, Checkpoint.JsonOptions));
    }

    public static IReadOnlyList<EpochResult> ReadJson(string outDir)
    {
        string p = Path.Combine(outDir, "log.json");
        return File.Exists(p) ? JsonSerializer.Deserialize<List<EpochResult>>(File.ReadAllText(p), Checkpoint.JsonOptions) ?? [] : [];
    }

    /// <summary>A class name as a CSV column suffix: lower case, anything but letters and digits as '_'.</summary>
    private static string Column(string name) =>
        new([.. name.ToLowerInvariant().Select(static ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_')]);

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
