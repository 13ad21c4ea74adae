namespace MedSeg.Core.Recording;

/// <summary>The model whose predictions a session holds (header key "model").</summary>
/// <param name="Name">Human-readable description, e.g. "U-Net depth 4, base 16, 1→2 classes".</param>
/// <param name="Checkpoint">Checkpoint path as given when recording.</param>
/// <param name="CheckpointSha256">SHA-256 of the checkpoint file, hex: names the exact weights.</param>
/// <param name="Config">The checkpoint's own metadata (preprocessing, threshold, …) as JSON text.</param>
public sealed record RecordedModel(string Name, string Checkpoint, string CheckpointSha256, string Config)
{
    /// <summary>The "Threshold" (any case) the configuration states (a checkpoint's and an ONNX contract's alike); null when it states none.</summary>
    public double? Threshold
    {
        get
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(Config);
                if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
                foreach (var p in doc.RootElement.EnumerateObject())
                    if (p.Name.Equals("Threshold", StringComparison.OrdinalIgnoreCase) && p.Value.TryGetDouble(out double v) && v is > 0 and < 1) return v;
                return null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null; // a foreign or damaged configuration: the caller's default applies
            }
        }
    }
}
