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
        var lines = new List<string> { "epoch,train_loss,val_loss,val_dice,val_iou,val_precision,val_recall,lr,seconds,best" };
        lines.AddRange(_rows.Select(static x => string.Join(',',
            x.Epoch.ToString(CultureInfo.InvariantCulture), F(x.TrainLoss), F(x.ValLoss), F(x.ValDice), F(x.ValIou),
            F(x.ValPrecision), F(x.ValRecall), F(x.LearningRate), F(x.Seconds), x.Best ? "1" : "0")));
        Core.IO.OutputFile.WriteAllLines(_csv, lines);
        Core.IO.OutputFile.WriteAllText(_json, JsonSerializer.Serialize(_rows, Checkpoint.JsonOptions));
    }

    public static IReadOnlyList<EpochResult> ReadJson(string outDir)
    {
        string p = Path.Combine(outDir, "log.json");
        return File.Exists(p) ? JsonSerializer.Deserialize<List<EpochResult>>(File.ReadAllText(p), Checkpoint.JsonOptions) ?? [] : [];
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
