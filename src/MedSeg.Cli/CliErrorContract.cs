using System.Security;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Formats;
using MedSeg.Model;
using MedSeg.Model.Training;
using MedSeg.Pipeline;
using OpenCvSharp;

namespace MedSeg.Cli;

/// <summary>
/// The one error contract of every `medseg` command: what an exception means to the user, the
/// exit code it gives and what is printed.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Bad input or environment (a damaged file, a missing folder, a read-only output, a full
/// disk, an unusable checkpoint, a GPU that is not there) and bad options: exit 2, one line
/// "error: …" naming the file or option and the reason. <c>MEDSEG_DEBUG=1</c> adds the trace.</item>
/// <item>A bug of ours (anything else): exit 70 (EX_SOFTWARE), the trace, and a request to report it.</item>
/// <item>Interrupted before the work could finish cleanly: exit 130.</item>
/// </list>
/// Exceptions that travelled through the pipeline are judged by their cause, so a corrupt DICOM
/// slice is bad input whichever stage met it.
/// </remarks>
public static class CliErrorContract
{
    public const int Ok = 0;
    public const int BadInput = 2;
    public const int InternalError = 70;
    public const int Interrupted = 130;

    private const string ReportLine = "this is a bug in medseg: please report it with the command line and the trace above";

    /// <summary>True when MEDSEG_DEBUG=1 asks for traces on user errors too.</summary>
    public static bool Debug => Environment.GetEnvironmentVariable("MEDSEG_DEBUG") is "1" or "true" or "yes";

    /// <summary>Prints what <paramref name="error"/> means on standard error and returns the exit code.</summary>
    public static int Report(Exception error, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        var cause = Unwrap(error);
        if (cause is OperationCanceledException)
        {
            stderr.WriteLine("interrupted");
            return Interrupted;
        }
        if (IsUserError(cause))
        {
            string where = error is PipelineException p && cause != error ? $"{p.Stage}: " : "";
            stderr.WriteLine($"error: {where}{Describe(cause)}");
            if (cause is BadDataException bad)
            {
                foreach (var b in bad.Bad.Take(50)) stderr.WriteLine($"  {b.Source}: {b.Reason}");
                if (bad.Bad.Count > 50) stderr.WriteLine($"  … and {bad.Bad.Count - 50} more");
            }
            if (Debug) stderr.WriteLine(error.ToString());
            return BadInput;
        }
        stderr.WriteLine($"internal error: {cause.GetType().FullName}: {cause.Message}");
        stderr.WriteLine(error.ToString());
        stderr.WriteLine(ReportLine);
        return InternalError;
    }

    /// <summary>Exit code <paramref name="error"/> gets, without printing anything.</summary>
    public static int ExitCodeOf(Exception error)
    {
        var cause = Unwrap(error);
        return cause is OperationCanceledException ? Interrupted : IsUserError(cause) ? BadInput : InternalError;
    }

    /// <summary>Errors the user can fix: their input, their environment, their options.</summary>
    public static bool IsUserError(Exception e) => e is MedicalFormatException or RecordingFormatException or RecordingExistsException
        or DatasetException or BadDataException or CheckpointMismatchException or InvalidDataException or Core.Inference.ModelFormatException
        or IOException or UnauthorizedAccessException or SecurityException or OpenCVException
        or ArgumentException or NotSupportedException
        or Rendering.GraphicsUnavailableException or Rendering.Shaders.ShaderCompileException;

    /// <summary>The exception that says what went wrong: pipeline and aggregate wrappers peeled off.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case PipelineException { InnerException: { } inner }: e = inner; continue;
                case AggregateException a when a.InnerExceptions.Count == 1: e = a.InnerExceptions[0]; continue;
                case TypeInitializationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    /// <summary>One line: the message, with internal parameter names turned into the options as typed.</summary>
    private static string Describe(Exception e) => e switch
    {
        // .NET's EFBIG names no file; every writer of ours names it (OutputFile), this is a last resort.
        ArgumentOutOfRangeException { ParamName: "value" } when e.StackTrace?.Contains("System.IO.", StringComparison.Ordinal) == true =>
            $"a file cannot be written: {Core.IO.OutputFault.FileTooLarge}",
        OpenCVException cv => $"OpenCV refused the data in {cv.FuncName}: {cv.ErrMsg}",
        ArgumentException a => OptionNames.Of(a) is { } typed ? Pipeline.Session.SpecKeyMessage.Of(a, typed) : Pipeline.Session.SpecKeyMessage.Reason(a),
        // A shader compile error carries the driver's log on the lines after it.
        _ => e.Message,
    };
}
