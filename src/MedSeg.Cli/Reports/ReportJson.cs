using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedSeg.Cli.Reports;

/// <summary>
/// The one JSON shape of every report the CLI writes (eval, score, stream, bench, info):
/// indented, camelCase, enums as names, and NaN/Infinity allowed because undefined metrics
/// (HD95 with one empty side, empty summaries) are NaN, not errors.
/// </summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Save<T>(string path, T value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Core.IO.OutputFile.WriteAllText(path, Serialize(value));
    }

    public static T Load<T>(string path) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty report");
}
