namespace MedSeg.Core.Recording;

/// <summary>The model whose predictions a session holds (header key "model").</summary>
/// <param name="Name">Human-readable description, e.g. "U-Net depth 4, base 16, 1→2 classes".</param>
/// <param name="Checkpoint">Checkpoint path as given when recording.</param>
/// <param name="CheckpointSha256">SHA-256 of the checkpoint file, hex: names the exact weights.</param>
/// <param name="Config">The checkpoint's own metadata (preprocessing, threshold, …) as JSON text.</param>
public sealed record RecordedModel(string Name, string Checkpoint, string CheckpointSha256, string Config);
