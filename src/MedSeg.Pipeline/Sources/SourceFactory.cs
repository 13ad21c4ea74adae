using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Phantoms;

namespace MedSeg.Pipeline.Sources;

/// <summary>Turns a <c>--source</c> spec into a source: <c>scheme:rest?key=value&amp;…</c>.</summary>
public static class SourceFactory
{
    private static readonly string[] s_later = ["dicom", "nifti", "tiff", "video", "igtl", "recording"];

    /// <summary>Specs understood now: <c>synthetic:lesion|lungs|mri?fps=25&amp;frames=1000&amp;size=128&amp;seed=1</c>.</summary>
    /// <exception cref="NotSupportedException">A known scheme that is not implemented yet.</exception>
    /// <exception cref="ArgumentException">An unknown scheme, task or key, or a malformed value.</exception>
    public static IFrameSource Create(string spec, FramePool pool)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ArgumentNullException.ThrowIfNull(pool);
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"source '{spec}' has no scheme; expected e.g. synthetic:lesion?fps=25", nameof(spec));
        string scheme = spec[..colon].ToLowerInvariant(), rest = spec[(colon + 1)..];
        if (scheme == "synthetic") return new SyntheticSource(ParseSynthetic(rest), pool);
        if (Array.IndexOf(s_later, scheme) >= 0)
            throw new NotSupportedException($"source scheme '{scheme}:' is not supported yet (it comes with the medical-sources issue); supported now: synthetic:");
        throw new ArgumentException($"unknown source scheme '{scheme}:'; supported now: synthetic: (later: {string.Join(", ", s_later.Select(s => s + ":"))})", nameof(spec));
    }

    public static SyntheticSourceOptions ParseSynthetic(string rest)
    {
        int q = rest.IndexOf('?');
        string taskName = q < 0 ? rest : rest[..q], query = q < 0 ? "" : rest[(q + 1)..];
        var options = new SyntheticSourceOptions();
        if (taskName.Length > 0)
        {
            if (!Enum.TryParse<SyntheticTask>(taskName, ignoreCase: true, out var task) || !Enum.IsDefined(task))
                throw new ArgumentException($"unknown synthetic task '{taskName}'; expected one of {string.Join(", ", Enum.GetNames<SyntheticTask>().Select(n => n.ToLowerInvariant()))}", nameof(rest));
            options = options with { Task = task };
        }
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"'{pair}' is not key=value", nameof(rest));
            string key = pair[..eq].ToLowerInvariant(), value = pair[(eq + 1)..];
            options = key switch
            {
                "fps" => options with { Fps = Parse<double>(key, value) },
                "frames" => options with { Frames = Parse<long>(key, value) },
                "size" => options with { Size = Parse<int>(key, value) },
                "seed" => options with { Seed = Parse<int>(key, value) },
                _ => throw new ArgumentException($"unknown synthetic option '{key}'; expected fps, frames, size or seed", nameof(rest)),
            };
        }
        return options.Validate();
    }

    private static T Parse<T>(string key, string value) where T : ISpanParsable<T> =>
        T.TryParse(value, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new ArgumentException($"synthetic option {key}={value} is not a valid {typeof(T).Name}");
}
