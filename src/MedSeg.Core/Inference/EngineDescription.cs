namespace MedSeg.Core.Inference;

/// <summary>What a segmentation engine expects and produces, for builders, HUDs and reports.</summary>
/// <param name="Model">Human-readable model description.</param>
/// <param name="Device">"cpu", "cuda:0", …</param>
/// <param name="Channels">Input channels (C of the N×C×H×W input).</param>
/// <param name="Height">Input height the model was trained for.</param>
/// <param name="Width">Input width the model was trained for.</param>
/// <param name="ClassNames">Class names by id; [0] is background.</param>
/// <param name="GflopPerFrame">Forward-pass cost of one frame in GFLOP (multiply–adds × 2).</param>
public sealed record EngineDescription(
    string Model, string Device, int Channels, int Height, int Width, IReadOnlyList<string> ClassNames, double GflopPerFrame);
