using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using Spectre.Console;

namespace MedSeg.Cli.Tests;

/// <summary>
/// Runs the real `medseg` entry point in-process and captures what it printed. It swaps the
/// process-wide console, so every test class using it belongs to the "console" collection.
/// </summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        // Standard error too: System.CommandLine reports an unexpected exception there, and a
        // failing test must show it. Synchronized because stages write from several threads.
        var text = new StringWriter();
        var writer = TextWriter.Synchronized(text);
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(writer);
        Console.SetError(writer);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });
        try
        {
            int code = await Program.Main(args);
            return (code, text.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>A random-weight depth-2, base-4 binary U-Net for 32×32 input, saved once at <paramref name="path"/>.</summary>
    public static string TinyCheckpoint(string path)
    {
        if (File.Exists(path)) return path;
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4, ClassNames = ["background", "lesion"] });
        Checkpoint.Save(path, net, new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 }, Dataset = "none" });
        return path;
    }
}
