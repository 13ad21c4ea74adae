using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>
/// A <see cref="ModelContract"/> as ONNX <c>metadata_props</c> (keys "medseg.*", values text or
/// JSON) and as the JSON sidecar that gives a model made elsewhere the contract its file lacks
/// (the same keys without the prefix, values as JSON). One reader for both.
/// </summary>
/// <remarks>
/// Keys: model, class_names (JSON array), class_colors (JSON array of "#RRGGBB"), preprocess (JSON
/// object, the checkpoint's PreprocessOptions), threshold, checkpoint_sha256, layout (nchw | nhwc),
/// head (labels | probs | logits), gflop_per_frame, patch, inference (resize | sliding-window: how images of
/// another size meet the fixed input; default resize) and tiled_input (JSON [width, height]: the size a
/// sliding-window model's images are resized to before its windows, the graph's input, are cut; absent:
/// their own size). class_names and preprocess are required; the rest default.
/// </remarks>
public static class ModelContractMetadata
{
    public const string Prefix = "medseg.";
    private const string Resize = "resize", SlidingWindow = "sliding-window";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The contract as metadata_props key/value pairs, in a fixed order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Write(ModelContract contract)
    {
        contract.Validate();
        List<KeyValuePair<string, string>> pairs =
        [
            new(Prefix + "model", contract.Model),
            new(Prefix + "class_names", JsonSerializer.Serialize(contract.ClassNames, s_json)),
            new(Prefix + "class_colors", JsonSerializer.Serialize(contract.ClassColors, s_json)),
            new(Prefix + "preprocess", JsonSerializer.Serialize(contract.Preprocess, s_json)),
            new(Prefix + "threshold", contract.Threshold.ToString("R", CultureInfo.InvariantCulture)),
            new(Prefix + "checkpoint_sha256", contract.CheckpointSha256),
            new(Prefix + "layout", contract.Layout.ToString().ToLowerInvariant()),
            new(Prefix + "head", contract.Head.ToString().ToLowerInvariant()),
            new(Prefix + "gflop_per_frame", contract.GflopPerFrame.ToString("R", CultureInfo.InvariantCulture)),
        ];
        // Only patch-trained models say so: every other model's metadata stays as it was.
        if (contract.Patch > 0) pairs.Add(new(Prefix + "patch", contract.Patch.ToString(CultureInfo.InvariantCulture)));
        // A resize model (the default, and every file written before the key) says nothing.
        if (contract.Inference == InferenceMode.SlidingWindow) pairs.Add(new(Prefix + "inference", SlidingWindow));
        if (contract.TiledInput is { } t) pairs.Add(new(Prefix + "tiled_input", $"[{t.Width}, {t.Height}]"));
        return pairs;
    }

    /// <summary>True when <paramref name="metadata"/> (a model's custom metadata map) holds a contract.</summary>
    public static bool Has(IReadOnlyDictionary<string, string> metadata) =>
        metadata.ContainsKey(Prefix + "class_names") && metadata.ContainsKey(Prefix + "preprocess");

    /// <summary>Reads the contract from a model's custom metadata map.</summary>
    /// <exception cref="ModelFormatException">a required key is missing or a value does not parse.</exception>
    public static ModelContract Read(IReadOnlyDictionary<string, string> metadata, string source)
    {
        var values = metadata.Where(static kv => kv.Key.StartsWith(Prefix, StringComparison.Ordinal))
                             .ToDictionary(static kv => kv.Key[Prefix.Length..], static kv => kv.Value, StringComparer.Ordinal);
        return Parse(values, source, "metadata key " + Prefix);
    }

    /// <summary>Reads a sidecar: a JSON object with the keys above (no prefix).</summary>
    public static ModelContract ReadSidecar(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model sidecar not found: {path}", path);
        Dictionary<string, string> values;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "a model sidecar must be a JSON object");
            values = doc.RootElement.EnumerateObject().ToDictionary(
                static p => p.Name, static p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"the sidecar is not valid JSON: {e.Message}", e);
        }
        return Parse(values, path, "sidecar key ");
    }

    private static ModelContract Parse(Dictionary<string, string> v, string source, string what)
    {
        string Required(string key) => v.TryGetValue(key, out var s) ? s : throw new ModelFormatException(source, $"{what}'{key}' is missing");
        T Json<T>(string key, string text)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(text, s_json) ?? throw new ModelFormatException(source, $"{what}'{key}' is null");
            }
            catch (JsonException e)
            {
                throw new ModelFormatException(source, $"{what}'{key}' does not parse: {e.Message}", e);
            }
        }
        TEnum Enum<TEnum>(string key, TEnum fallback) where TEnum : struct, Enum =>
            !v.TryGetValue(key, out var s) ? fallback
            : System.Enum.TryParse<TEnum>(s, ignoreCase: true, out var e) && System.Enum.IsDefined(e) ? e
            : throw new ModelFormatException(source, $"{what}'{key}' is '{s}': use {string.Join(" | ", System.Enum.GetNames<TEnum>()).ToLowerInvariant()}");

        double Number(string key, double fallback) =>
            !v.TryGetValue(key, out var s) ? fallback
            : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
            : throw new ModelFormatException(source, $"{what}'{key}' is '{s}', not a number");
        InferenceMode Mode(string key) =>
            !v.TryGetValue(key, out var s) ? InferenceMode.Resize
            : s.Equals(Resize, StringComparison.OrdinalIgnoreCase) ? InferenceMode.Resize
            : s.Equals(SlidingWindow, StringComparison.OrdinalIgnoreCase) ? InferenceMode.SlidingWindow
            : throw new ModelFormatException(source, $"{what}'{key}' is '{s}': use {Resize} | {SlidingWindow}");
        (int, int)? Size(string key)
        {
            if (!v.TryGetValue(key, out var s)) return null;
            var wh = Json<int[]>(key, s);
            return wh is [int w, int h] ? (w, h) : throw new ModelFormatException(source, $"{what}'{key}' is {s}: use [width, height]");
        }
        var contract = new ModelContract
        {
            Model = v.GetValueOrDefault("model", ""),
            ClassNames = Json<string[]>("class_names", Required("class_names")),
            ClassColors = v.TryGetValue("class_colors", out var c) ? Json<string[]>("class_colors", c) : [],
            Preprocess = Json<PreprocessOptions>("preprocess", Required("preprocess")),
            Threshold = Number("threshold", 0.5),
            GflopPerFrame = Number("gflop_per_frame", 0),
            Patch = (int)Number("patch", 0),
            Inference = Mode("inference"),
            TiledInput = Size("tiled_input"),
            CheckpointSha256 = v.GetValueOrDefault("checkpoint_sha256", ""),
            Layout = Enum("layout", TensorLayout.Nchw),
            Head = Enum("head", OutputHead.Labels),
        };
        try
        {
            return contract.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ModelFormatException(source, $"the model contract is not usable: {e.Message}", e);
        }
    }
}
