using System.Globalization;

namespace MedSeg.Core.Specs;

/// <summary>
/// The <c>?key=value&amp;…</c> part of every spec string — sources (<c>synthetic:</c>, <c>video:</c>,
/// <c>igtl://</c>, recordings) and data sets (<c>nifti-pair:</c>, <c>recording:</c>, <c>synthetic:</c>)
/// alike, so they all take the same boolean words and fail with the same messages. Every key must
/// be consumed (<see cref="EnsureConsumed"/>): a typo is an error, not a silent default.
/// </summary>
/// <remarks>Errors are <see cref="ArgumentException"/>s naming the scheme, the key and the value as
/// typed (the CLI's error contract prints them as one line, exit 2). Keys are case-insensitive; a
/// key given twice keeps its last value; a bare key (<c>loop</c>) means <c>loop=true</c>.</remarks>
public sealed class SpecQuery
{
    /// <summary>The words <see cref="GetBool"/> accepts, true ones first.</summary>
    public static IReadOnlyList<string> TrueWords { get; } = ["true", "1", "yes", "on"];

    public static IReadOnlyList<string> FalseWords { get; } = ["false", "0", "no", "off"];

    private readonly string _scheme;
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    private SpecQuery(string scheme) => _scheme = scheme;

    /// <summary>The scheme named in error messages (<c>synthetic</c>, <c>nifti-pair</c>, …).</summary>
    public string Scheme => _scheme;

    /// <summary>Splits <c>target?query</c> at the first <c>?</c>; values are URI-unescaped.</summary>
    /// <exception cref="ArgumentException">A pair with an empty key (<c>?=3</c>).</exception>
    public static (string Target, SpecQuery Query) Split(string scheme, string rest)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(rest);
        string target = TargetOf(rest);
        var query = new SpecQuery(scheme);
        foreach (string pair in rest[Math.Min(target.Length + 1, rest.Length)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq], value = eq < 0 ? "true" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key.Length == 0) throw new ArgumentException($"'{pair}' in a {scheme}: spec is not key=value", "spec");
            query._values[key] = value;
        }
        return (target, query);
    }

    /// <summary>The part before the query (<c>FILE</c> of <c>FILE?a=1</c>) without parsing the query: for probing what a spec names.</summary>
    public static string TargetOf(string rest)
    {
        ArgumentNullException.ThrowIfNull(rest);
        int q = rest.IndexOf('?');
        return q < 0 ? rest : rest[..q];
    }

    /// <summary>A number (or any span-parsable value) in the invariant culture; null when the key is absent.</summary>
    public T? Get<T>(string key) where T : struct, ISpanParsable<T> =>
        _values.Remove(key, out string? value)
            ? T.TryParse(value, CultureInfo.InvariantCulture, out var result) ? result
              : throw new ArgumentException($"{_scheme} option {key}={value} is not a valid {typeof(T).Name}", "spec")
            : null;

    /// <summary><see cref="TrueWords"/> or <see cref="FalseWords"/>, any case; null when the key is absent.</summary>
    public bool? GetBool(string key)
    {
        if (!_values.Remove(key, out string? value)) return null;
        foreach (string word in TrueWords)
            if (word.Equals(value, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (string word in FalseWords)
            if (word.Equals(value, StringComparison.OrdinalIgnoreCase)) return false;
        throw new ArgumentException($"{_scheme} option {key}={value} is not true/false", "spec");
    }

    public string? GetString(string key) => _values.Remove(key, out string? value) ? value : null;

    /// <summary>One of a fixed set of words (any case; several words may name one value); null when the key is absent.</summary>
    public T? GetChoice<T>(string key, params ReadOnlySpan<(string Word, T Value)> choices) where T : struct
    {
        if (!_values.Remove(key, out string? value)) return null;
        foreach (var (word, result) in choices)
            if (word.Equals(value, StringComparison.OrdinalIgnoreCase)) return result;
        var words = new string[choices.Length];
        for (int i = 0; i < words.Length; i++) words[i] = choices[i].Word;
        throw Invalid(key, value, $"expected {string.Join(", ", words)}");
    }

    /// <summary>The error for a value this query's caller parses itself (a range, a list): <c>scheme option key=value: reason</c>.</summary>
    public ArgumentException Invalid(string key, string value, string reason) =>
        new($"{_scheme} option {key}={value}: {reason}", "spec");

    /// <summary>Throws naming the first key nobody asked for, and the keys this scheme knows.</summary>
    public void EnsureConsumed(params string[] known)
    {
        if (_values.Count > 0)
            throw new ArgumentException($"unknown {_scheme} option '{_values.Keys.First()}'; expected {string.Join(", ", known)}", "spec");
    }
}
