using System.CommandLine;
using MedSeg.Cli.Commands;

namespace MedSeg.Cli;

/// <summary>The composition root of the `medseg` command: every sub-command is registered here.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("MedSeg.Realtime — real-time medical image segmentation (U-Net, TorchSharp)")
        {
            TrainCommand.Create(),
            StreamCommand.Create(),
            RecordCommand.Create(),
            ReplayCommand.Create(),
            ScoreCommand.Create(),
            ExportCommand.Create(),
            InfoCommand.Create(),
            VideoCommand.Create(),
            BenchCommand.Create(),
            Bench.RecordingBenchmark.Create(),
            EvalCommand.Create(),
            QuickstartCommand.Create(),
            DemoCommand.Create(),
            RunCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
