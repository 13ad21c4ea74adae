using System.Text.Json;

namespace MedSeg.Cli.Engines;

/// <summary>The small JSON file behind <see cref="EngineChooser"/>; unreadable or missing means "measure again".</summary>
public sealed class EngineChoiceCache
{
    private readonly Dictionary<string, EngineChoice> _entries;

    private EngineChoiceCache(Dictionary<string, EngineChoice> entries) => _entries = entries;

    /// <summary>$XDG_CACHE_HOME/medseg/engine-choice.json, else ~/.cache/medseg/engine-choice.json.</summary>
    public static string FilePath =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "medseg", "engine-choice.json");

    public static EngineChoiceCache Load()
    {
        try
        {
            if (File.Exists(FilePath) && JsonSerializer.Deserialize<Dictionary<string, EngineChoice>>(File.ReadAllText(FilePath)) is { } d)
                return new EngineChoiceCache(d);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            // A damaged cache only costs a new measurement.
        }
        return new EngineChoiceCache(new Dictionary<string, EngineChoice>(StringComparer.Ordinal));
    }

    public bool TryGet(string key, out EngineChoice choice) => _entries.TryGetValue(key, out choice!) && choice.Engine is "onnx" or "torch";

    public void Put(string key, EngineChoice choice)
    {
        _entries[key] = choice;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            string tmp = FilePath + "." + Environment.ProcessId + ".tmp";
            Core.IO.OutputFile.WriteAllText(tmp, JsonSerializer.Serialize(_entries, new JsonSerializerOptions { WriteIndented = true }));
            File.Move(tmp, FilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only home: the choice still holds for this run.
        }
    }
}
