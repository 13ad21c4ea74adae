using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MedSeg.Pipeline.Session;

/// <summary>Reads a <see cref="SessionSpec"/> from YAML or JSON and writes it as commented YAML.</summary>
/// <remarks>
/// Unknown keys are errors (a typo must not become a silent default). The YAML written has every
/// key, with its meaning and default as a comment above it (from the YamlMember descriptions), and
/// reads back to the same spec, so a printed spec runs unchanged with <c>medseg run</c>.
/// </remarks>
public static class SessionSpecFile
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = true,
    };

    /// <summary>Loads and validates <paramref name="path"/>: JSON when it ends in .json or starts with '{', YAML otherwise.</summary>
    public static SessionSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"session spec {path} not found", path);
        string text = File.ReadAllText(path);
        bool json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{');
        try
        {
            return (json ? FromJson(text) : FromYaml(text)).Validate();
        }
        catch (Exception e) when (e is YamlException or JsonException)
        {
            throw new ArgumentException($"{path}: {e.Message}", nameof(path), e);
        }
        catch (ArgumentException e) when (e.ParamName != nameof(path))
        {
            // A value the spec's own checks refuse: name the file, and the key in the spec's camelCase.
            string reason = SpecKeyMessage.Of(e);
            throw new ArgumentException($"{path}: {reason}", nameof(path), e);
        }
    }

    public static SessionSpec FromYaml(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return deserializer.Deserialize<SessionSpec?>(yaml) ?? throw new ArgumentException("the session spec is empty");
    }

    public static SessionSpec FromJson(string json) =>
        JsonSerializer.Deserialize<SessionSpec>(json, s_json) ?? throw new ArgumentException("the session spec is empty");

    /// <summary>The spec as YAML, every key written, comments saying what each means and its default.</summary>
    public static string ToYaml(SessionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var serializer = new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithIndentedSequences()
            .Build();
        return "# medseg session spec: run it with `medseg run FILE`; flags given to `run` override it.\n" + serializer.Serialize(spec);
    }

    public static string ToJson(SessionSpec spec) => JsonSerializer.Serialize(spec, s_json);
}
