using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class TrainingLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EpochResult Row(int epoch, IReadOnlyList<ClassDice>? classes) =>
        new(epoch, 1.0 / epoch, 0.5, 0.6, 0.4, 0.7, 0.8, 1e-3, 2.0, epoch == 1, classes);

    [Fact]
    public void Append_MultiClassRows_WritesEachClassDiceAndPooledDiceAsColumns()
    {
        var log = new TrainingLog(_dir);
        log.Append(Row(1, [new ClassDice("soft tissue", 0.9, 0.95), new ClassDice("bone", 0.3, 0.1)]));
        log.Append(Row(2, null)); // a refit epoch: nothing held out

        string[] lines = File.ReadAllLines(Path.Combine(_dir, "log.csv"));
        Assert.EndsWith(",best,val_dice_soft_tissue,val_pooled_dice_soft_tissue,val_dice_bone,val_pooled_dice_bone", lines[0]);
        Assert.EndsWith(",1,0.9,0.95,0.3,0.1", lines[1]);
        Assert.EndsWith(",0,,,,", lines[2]);
        var back = TrainingLog.ReadJson(_dir);
        Assert.Equal([new ClassDice("soft tissue", 0.9, 0.95), new ClassDice("bone", 0.3, 0.1)], back[0].ValClasses);
        Assert.Null(back[1].ValClasses);
    }

    [Fact]
    public void Append_BinaryRows_KeepsTheTenColumns()
    {
        var log = new TrainingLog(_dir);
        log.Append(Row(1, null));
        string[] lines = File.ReadAllLines(Path.Combine(_dir, "log.csv"));
        Assert.Equal("epoch,train_loss,val_loss,val_dice,val_iou,val_precision,val_recall,lr,seconds,best", lines[0]);
        Assert.Equal(10, lines[1].Split(',').Length);
    }
}
