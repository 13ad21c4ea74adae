using MedSeg.Core.Recording;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>
/// <see cref="CommandErrors"/> plus the errors of session files: an unreadable recording
/// (<see cref="RecordingFormatException"/>, which names the file and byte offset) and a file that
/// would be overwritten are bad input (exit 2), not crashes.
/// </summary>
public static class RecordingCommandErrors
{
    public static Task<int> RunAsync(Func<Task<int>> body) => CommandErrors.RunAsync(async () =>
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (RecordingFormatException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return CommandErrors.BadInput;
        }
        catch (IOException e) when (e.Message.Contains("already exists", StringComparison.Ordinal))
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)} (pass --overwrite to replace it)");
            return CommandErrors.BadInput;
        }
    });
}
