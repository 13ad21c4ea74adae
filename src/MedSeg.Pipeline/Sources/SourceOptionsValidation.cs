namespace MedSeg.Pipeline.Sources;

/// <summary>
/// Runs a source options record's validation so that a refused value is named by the query key
/// as typed ("igtl source: maxbody=-1: must be …"), not by the property that holds it.
/// </summary>
internal static class SourceOptionsValidation
{
    // Options properties → the query keys a user types (igtl://h:p?maxbody=…).
    private static readonly Dictionary<string, string> s_keys = new(StringComparer.Ordinal)
    {
        ["BackoffInitial"] = "backoff", ["BackoffMax"] = "maxbackoff", ["MaxBodyBytes"] = "maxbody", ["MaxReconnects"] = "retries",
        ["MessageTimeout"] = "timeout", ["Fps"] = "fps", ["Frames"] = "frames", ["Loop"] = "loop", ["Size"] = "size", ["PreScan"] = "prescan",
        ["Port"] = "port", ["LabelDevice"] = "labels", ["Playback"] = "play",
    };

    public static T Validated<T>(string scheme, Func<T> validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            return validate();
        }
        catch (ArgumentException e) when (e.ParamName is { } property && s_keys.TryGetValue(property, out var key))
        {
            string reason = e.Message.Split('\n', 2)[0].Replace($" (Parameter '{property}')", "", StringComparison.Ordinal);
            string value = e is ArgumentOutOfRangeException { ActualValue: { } v } ? $"={Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)}" : "";
            throw new ArgumentException($"{scheme} source: {key}{value}: {reason}", "spec", e);
        }
    }
}
