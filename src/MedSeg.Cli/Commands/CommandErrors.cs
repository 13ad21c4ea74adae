using MedSeg.Imaging.Datasets;
using MedSeg.Model;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Commands;

/// <summary>Turns the errors a user can cause into one clear message and an exit code.</summary>
public static class CommandErrors
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return Cancelled;
        }
        catch (Sessions.PipelineFailedException)
        {
            return Failed; // already reported with the stage's name
        }
        catch (BadDataException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            foreach (var b in e.Bad.Take(50)) AnsiConsole.MarkupLine($"  {Markup.Escape(b.Source)}: {Markup.Escape(b.Reason)}");
            if (e.Bad.Count > 50) AnsiConsole.MarkupLine($"  … and {e.Bad.Count - 50} more");
            return BadInput;
        }
        catch (Exception e) when (e is DatasetException or CheckpointMismatchException or InvalidDataException
                                       or Core.Recording.RecordingFormatException or Core.Recording.RecordingExistsException
                                       or FileNotFoundException or DirectoryNotFoundException or ArgumentException or NotSupportedException
                                       or Rendering.GraphicsUnavailableException or Rendering.Shaders.ShaderCompileException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return BadInput;
        }
    }
}
