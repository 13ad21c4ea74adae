namespace MedSeg.Cli.Commands;

/// <summary>Runs a command's body under the one error contract (<see cref="CliErrorContract"/>).</summary>
public static class CommandErrors
{
    public const int Ok = CliErrorContract.Ok;
    public const int BadInput = CliErrorContract.BadInput;
    public const int Failed = CliErrorContract.InternalError;
    public const int Cancelled = CliErrorContract.Interrupted;

    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return CliErrorContract.Report(e);
        }
    }
}
