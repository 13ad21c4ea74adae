using System.CommandLine;
using System.CommandLine.Help;
using MedSeg.Cli.Commands;
using MedSeg.Pipeline.Shutdown;

namespace MedSeg.Cli;

/// <summary>The composition root of the `medseg` command: every sub-command is registered here.</summary>
/// <remarks>
/// Every command runs under one error contract (<see cref="CliErrorContract"/>: 0 done, 2 bad
/// input or options, 70 a bug of ours, 130 interrupted) and one shutdown handler
/// (<see cref="GracefulShutdown"/>: the first Ctrl+C / SIGTERM stops cleanly, a second at once).
/// </remarks>
public static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("MedSeg.Realtime — real-time medical image segmentation (U-Net, TorchSharp)")
        {
            TrainCommand.Create(),
            PlanCommand.Create(),
            CompareCommand.Create(),
            StreamCommand.Create(),
            RecordCommand.Create(),
            ReplayCommand.Create(),
            ScoreCommand.Create(),
            ExportCommand.Create(),
            ExportOnnxCommand.Create(),
            InfoCommand.Create(),
            VideoCommand.Create(),
            BenchCommand.Create(),
            Bench.RecordingBenchmark.Create(),
            EvalCommand.Create(),
            QuickstartCommand.Create(),
            DemoCommand.Create(),
            RunCommand.Create(),
        };
        // Redirected output (a log file, a pipe) has no terminal width: Spectre's 80-column default
        // would break a skipped file's name from its reason, and grep would miss one of them.
        if (Console.IsOutputRedirected && Environment.GetEnvironmentVariable("COLUMNS") is null) Spectre.Console.AnsiConsole.Profile.Width = 240;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // Option names as typed (System.CommandLine's messages quote them); exit 2, not 1.
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {ParseErrorLine(e)}");
            Console.Error.WriteLine($"see `medseg {string.Join(' ', CommandPath(parse.CommandResult.Command))} --help`");
            return CliErrorContract.BadInput;
        }
        using var shutdown = new GracefulShutdown();
        try
        {
            // No handler of System.CommandLine's own: exceptions and signals follow our contract.
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(config, shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return CliErrorContract.Report(e);
        }
    }

    /// <summary>One line, naming the option as typed: "Argument 'x' not recognized. Must be one of:\n\t'a'…" says neither.</summary>
    private static string ParseErrorLine(System.CommandLine.Parsing.ParseError e)
    {
        string message = string.Join(' ', e.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        string? option = e.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult r => r.IdentifierToken?.Value,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult r } => r.IdentifierToken?.Value,
            _ => null,
        };
        message = ExpectedType().Replace(message, static m => "as " + Friendly(m.Groups[1].Value));
        return option is null || message.Contains(option, StringComparison.Ordinal) ? message : $"{option}: {message}";
    }

    // System.CommandLine names the CLR type it could not parse into: "as expected type
    // 'System.Nullable`1[System.Int32]'" for every planned (nullable) option. Say what to type instead.
    [System.Text.RegularExpressions.GeneratedRegex(@"as expected type '(?:System\.Nullable`1\[)?([\w.`+]+?)\]?'")]
    private static partial System.Text.RegularExpressions.Regex ExpectedType();

    private static string Friendly(string type) => type switch
    {
        "System.Int16" or "System.Int32" or "System.Int64" or "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number",
        "System.Single" or "System.Double" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "text",
        _ => type[(type.LastIndexOfAny(['.', '+']) + 1)..], // an enum: its own name (the message goes on to list its values)
    };

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c && c is not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return names;
    }
}
