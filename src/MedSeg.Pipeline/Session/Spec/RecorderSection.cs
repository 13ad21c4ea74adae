using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sinks.recorder</c>: one <see cref="Recording.SessionRecorder"/> per stream.</summary>
public sealed class RecorderSection
{
    [YamlMember(Order = 0, Description = "Session file of stream 0; stream k > 0 records to the same name with an -sK suffix (a.msgpack, a-s1.msgpack, ...); empty (default): no recording")]
    public string? Path { get; set; }

    [YamlMember(Order = 1, Description = "One file per stream, in source order, instead of the -sK names (default: empty)")]
    public List<string> Paths { get; set; } = [];

    [YamlMember(Order = 2, Description = "Replace existing session files (default false)")]
    public bool Overwrite { get; set; }

    [YamlMember(Order = 3, Description = "raw (default; LZ4 where it pays) | png")]
    public string ImageCodec { get; set; } = "raw";

    [YamlMember(Order = 4, Description = "rle (default) | png")]
    public string MaskCodec { get; set; } = "rle";

    [YamlMember(Order = 5, Description = "Also record the foreground probabilities, 8-bit (default false)")]
    public bool Probabilities { get; set; }

    [YamlMember(Order = 6, Description = "none | every (each record) | N (every N records; default 30)")]
    public string Fsync { get; set; } = "30";

    [YamlMember(Order = 7, Description = "Free-form KEY: VALUE tags written into every session header (default: none)")]
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>True when anything is to be recorded.</summary>
    [YamlIgnore, System.Text.Json.Serialization.JsonIgnore]
    public bool Enabled => Path is not null || Paths.Count > 0;

    /// <summary>The file of stream <paramref name="stream"/>: its <see cref="Paths"/> entry, else <see cref="Path"/> with <c>-sK</c> before the extension.</summary>
    public string PathOf(int stream)
    {
        if (Paths.Count > 0) return Paths[stream];
        string path = Path ?? throw new InvalidOperationException("sinks.recorder has no path");
        if (stream == 0) return path;
        string ext = System.IO.Path.GetExtension(path);
        return path[..^ext.Length] + $"-s{stream}" + ext;
    }

    internal void Validate(int streams)
    {
        ArgumentNullException.ThrowIfNull(Paths, "sinks.recorder.paths");
        ArgumentNullException.ThrowIfNull(Tags, "sinks.recorder.tags");
        if (Path is { Length: 0 }) throw new ArgumentException("sinks.recorder.path is empty; leave it out for no recording", "sinks.recorder.path");
        if (Paths.Count > 0 && Path is not null) throw new ArgumentException("sinks.recorder: give path or paths, not both", "sinks.recorder.paths");
        if (Paths.Count > 0 && Paths.Count != streams)
            throw new ArgumentException($"sinks.recorder.paths has {Paths.Count} files for {streams} streams", "sinks.recorder.paths");
        if (Enabled)
        {
            var files = Enumerable.Range(0, streams).Select(i => System.IO.Path.GetFullPath(PathOf(i))).ToArray();
            if (files.Distinct(StringComparer.Ordinal).Count() != files.Length) throw new ArgumentException("sinks.recorder: two streams would record to one file", "sinks.recorder.paths");
        }
        _ = SpecWords.ImageCodec(ImageCodec);
        _ = SpecWords.MaskCodec(MaskCodec);
        _ = SpecWords.Fsync(Fsync);
    }
}
