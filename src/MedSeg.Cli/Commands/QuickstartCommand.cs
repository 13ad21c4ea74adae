using System.CommandLine;
using MedSeg.Model;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg quickstart`: what the U-Net tutorials do in a notebook, as one command: trains a small
/// U-Net on the built-in synthetic ultrasound lesion set, then evaluates it on a held-out
/// synthetic set (other seed).
/// </summary>
public static class QuickstartCommand
{
    public const string TrainData = "synthetic:lesion?n=480&size=128&seed=1";
    public const string TestData = "synthetic:lesion?n=100&size=128&seed=2";

    public static Command Create()
    {
        var output = CommonOptions.Out("out/quickstart");
        var epochs = new Option<int>("--epochs") { Description = "Maximum training epochs", DefaultValueFactory = _ => 10 };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var cmd = new Command("quickstart", "Train a small U-Net on synthetic ultrasound lesions, then evaluate it on a held-out synthetic set")
        {
            output, epochs, device, threads,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            string outDir = p.GetValue(output)!;
            string runDir = Path.Combine(outDir, "train");
            AnsiConsole.Write(new Rule("[bold]1. train[/] on " + Markup.Escape(TrainData)));
            TrainCommand.Run(new TrainOptions
            {
                Data = TrainData, OutDir = runDir, Epochs = p.GetValue(epochs), BatchSize = 8,
                Model = new UNetOptions { Depth = 4, BaseWidth = 16 },
                Device = p.GetValue(device)!, Threads = p.GetValue(threads),
            }, ct);
            AnsiConsole.Write(new Rule("[bold]2. evaluate[/] on held-out " + Markup.Escape(TestData)));
            var (code, report) = EvalCommand.Run(new EvalOptions
            {
                Model = Path.Combine(runDir, "best.ckpt"), Data = TestData, OutDir = Path.Combine(outDir, "eval"),
                Device = p.GetValue(device)!, Threads = p.GetValue(threads),
            }, ct);
            AnsiConsole.MarkupLine($"held-out Dice [bold]{report.Summary.MeanDice:F4}[/], IoU {report.Summary.MeanIou:F4}");
            return Task.FromResult(code);
        }));
        return cmd;
    }
}
