using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Reports;

/// <summary>A Spectre.Console progress bar per epoch, showing the running loss and, when done, the validation metrics.</summary>
public sealed class ConsoleTrainingObserver : ITrainingObserver
{
    private readonly ProgressContext _ctx;
    private ProgressTask? _prep;
    private ProgressTask? _epoch;
    private int _epochNo, _epochs;
    private double _lossSum;

    private ConsoleTrainingObserver(ProgressContext ctx) => _ctx = ctx;

    public static TrainingResult Run(TrainOptions options, CancellationToken ct, IValidationEngines? validationEngines = null)
    {
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = Trainer.TrainModel(options, new ConsoleTrainingObserver(ctx), ct, validationEngines));
        return result!;
    }

    public void Message(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public void PreparingStarted(string what, int total)
    {
        _prep?.StopTask();
        _prep = _ctx.AddTask(Markup.Escape(what), maxValue: Math.Max(1, total));
    }

    public void PreparingProgress(int done)
    {
        if (_prep != null) _prep.Value = done;
    }

    public void EpochStarted(int epoch, int epochs, int batches)
    {
        _prep?.StopTask();
        _epochNo = epoch;
        _epochs = epochs;
        _lossSum = 0;
        _epoch = _ctx.AddTask($"epoch {epoch}/{epochs}", maxValue: Math.Max(1, batches));
    }

    public void BatchDone(int batch, double loss)
    {
        if (_epoch == null) return;
        _lossSum += loss;
        _epoch.Value = batch;
        _epoch.Description = $"epoch {_epochNo}/{_epochs}  loss {_lossSum / batch:F4}";
    }

    public void EpochDone(EpochResult r)
    {
        if (_epoch == null) return;
        _epoch.Description = double.IsNaN(r.ValLoss)
            ? $"epoch {r.Epoch}/{_epochs}  loss {r.TrainLoss:F4}  (refit on all samples: nothing held out)"
            : $"epoch {r.Epoch}/{_epochs}  loss {r.TrainLoss:F4}  val loss {r.ValLoss:F4}  " +
              $"Dice {r.ValDice:F4}  IoU {r.ValIou:F4}{(r.Best ? "  [green]best[/]" : "")}" +
              (r.ValClasses is { } classes ? "  (" + string.Join(", ", classes.Select(static c => $"{Markup.Escape(c.Name)} {c.Dice:F3}")) + ")" : "");
        _epoch.StopTask();
        // Without a live terminal (CI, logs) the bar's final state is never redrawn: print the epoch.
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            AnsiConsole.MarkupLine(_epoch.Description);
    }
}
