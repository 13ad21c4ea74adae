using System.Globalization;

namespace MedSeg.Pipeline.Session;

/// <summary>One line for a value a check refused: "key value: reason", the key said once.</summary>
/// <remarks>
/// Many checks already open their message with their key ("sources[0].uri is empty",
/// "sources: at least one source is needed"); prefixing the key again printed it twice.
/// </remarks>
public static class SpecKeyMessage
{
    /// <summary>The message of <paramref name="e"/> under <paramref name="key"/> (default: its ParamName in the spec's camelCase).</summary>
    public static string Of(ArgumentException e, string? key = null)
    {
        string reason = Reason(e);
        if (e.ParamName is not { Length: > 0 } name) return reason;
        key ??= char.ToLowerInvariant(name[0]) + name[1..];
        if (reason.StartsWith(key, StringComparison.Ordinal)) return reason;
        string value = e is ArgumentOutOfRangeException { ActualValue: { } v } ? " " + Convert.ToString(v, CultureInfo.InvariantCulture) : "";
        return $"{key}{value}: {reason}";
    }

    /// <summary>The first line of the message without .NET's " (Parameter 'x')" suffix.</summary>
    public static string Reason(ArgumentException e)
    {
        string reason = e.Message.Split('\n', 2)[0].TrimEnd('\r');
        return e.ParamName is { Length: > 0 } name ? reason.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : reason;
    }
}
