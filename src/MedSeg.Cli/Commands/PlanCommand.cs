using MedSeg.Cli.Engines;
using System.CommandLine;
using MedSeg.Cli.Reports;
using MedSeg.Imaging.Datasets;
using MedSeg.Model;
using MedSeg.Model.Planning;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>`medseg plan --data X`: the fingerprint and training plan `medseg train` would use, without training.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var layout = CommonOptions.Layout();
        var output = CommonOptions.Out("runs/plan");
        var budget = Budget();
        var final = TrainCommand.Final();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var cmd = new Command("plan", "Fingerprint a data set and plan its training (input size, normalization, batch, steps, augmentation) with the measured cost on this machine")
        {
            data, layout, output, budget, final, device, threads,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            CommonOptions.EnsureWritableFolder(p.GetValue(output)!);
            var plan = Make(p.GetValue(data)!, p.GetValue(layout), new PlannerOptions { BudgetSeconds = p.GetValue(budget), Final = TrainCommand.ParseFinal(p.GetValue(final)) }, p.GetValue(device)!, p.GetValue(threads), ct);
            string json = Path.Combine(p.GetValue(output)!, "plan.json");
            plan.Save(json);
            PlanTable.Print(plan, json);
            return Task.FromResult(CommandErrors.Ok);
        }));
        return cmd;
    }

    public static Option<double> Budget() => new Option<double>("--budget")
    {
        Description = "Seconds the training run may spend on this machine: optimizer steps (a final refit's included) and validation; planning and loading come on top",
        DefaultValueFactory = _ => new PlannerOptions().BudgetSeconds,
    }.Between(0.1, 1e6);

    /// <summary>Fingerprints <paramref name="dataSpec"/> and plans it; shared with `medseg train`.</summary>
    public static TrainingPlan Make(string dataSpec, string? layout, PlannerOptions options, string deviceName, int threads, CancellationToken ct)
    {
        var device = TorchDevice.Select(deviceName, threads);
        var data = DatasetFactory.Open(dataSpec, layout);
        try
        {
            foreach (string note in data.Notes) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
            var fingerprint = AnsiConsole.Status().Start($"fingerprinting {Markup.Escape(data.Name)}…", _ => DatasetFingerprint.Measure(data, ct: ct));
            return AnsiConsole.Status().Start("timing training steps and inference on this machine…",
                _ => Planner.Plan(fingerprint, options, new TorchStepTimer(options.Model, device, engines: new OnnxValidationEngines(threads))));
        }
        finally
        {
            (data as IDisposable)?.Dispose();
        }
    }
}
