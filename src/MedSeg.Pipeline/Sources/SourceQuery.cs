using System.Globalization;

namespace MedSeg.Pipeline.Sources;

/// <summary>The <c>?key=value&amp;…</c> part of a source spec; every key must be consumed, so a typo is an error, not a silent default.</summary>
internal sealed class SourceQuery
{
    private readonly string _scheme;
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    private SourceQuery(string scheme) => _scheme = scheme;

    /// <summary>Splits <c>target?query</c>; a bare key (<c>loop</c>) means <c>loop=true</c>.</summary>
    // Options properties → the query keys a user types (igtl://h:p?maxbody=…): an error names what was typed.
    private static readonly Dictionary<string, string> s_keys = new(StringComparer.Ordinal)
    {
        ["BackoffInitial"] = "backoff", ["BackoffMax"] = "maxbackoff", ["MaxBodyBytes"] = "maxbody", ["MaxReconnects"] = "retries",
        ["MessageTimeout"] = "timeout", ["Fps"] = "fps", ["Frames"] = "frames", ["Loop"] = "loop", ["Size"] = "size", ["PreScan"] = "prescan",
        ["Port"] = "port", ["LabelDevice"] = "labels", ["Playback"] = "play",
    };

    /// <summary>
    /// Runs an options record's validation; a refused value is named by the query key as typed
    /// ("igtl source: maxbody=-1: must be …"), not by the property that holds it.
    /// </summary>
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

    public static (string Target, SourceQuery Query) Split(string scheme, string rest)
    {
        int q = rest.IndexOf('?');
        var query = new SourceQuery(scheme);
        foreach (string pair in (q < 0 ? "" : rest[(q + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "true" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key.Length == 0) throw new ArgumentException($"'{pair}' in a {scheme}: spec is not key=value", "spec");
            query._values[key] = value;
        }
        return (q < 0 ? rest : rest[..q], query);
    }

    public T? Get<T>(string key) where T : struct, ISpanParsable<T> =>
        _values.Remove(key, out string? value)
            ? T.TryParse(value, CultureInfo.InvariantCulture, out var result) ? result
              : throw new ArgumentException($"{_scheme} option {key}={value} is not a valid {typeof(T).Name}", "spec")
            : null;

    public bool? GetBool(string key) =>
        _values.Remove(key, out string? value)
            ? value.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new ArgumentException($"{_scheme} option {key}={value} is not true/false", "spec"),
            }
            : null;

    public string? GetString(string key) => _values.Remove(key, out string? value) ? value : null;

    /// <summary>Throws naming the first key nobody asked for, and the keys this scheme knows.</summary>
    public void EnsureConsumed(params string[] known)
    {
        if (_values.Count > 0)
            throw new ArgumentException($"unknown {_scheme} option '{_values.Keys.First()}'; expected {string.Join(", ", known)}", "spec");
    }
}
