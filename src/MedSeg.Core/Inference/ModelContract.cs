using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>
/// Everything a caller needs to feed a segmentation model and read its answer: the input it takes
/// (through <see cref="Preprocess"/>: size, colour, normalisation), the classes it names and how to
/// draw them, the threshold of a binary head and where the weights came from. Checkpoints carry
/// it; an exported .onnx carries it in its metadata (<see cref="ModelContractMetadata"/>).
/// </summary>
public sealed record ModelContract
{
    /// <summary>Human-readable model description.</summary>
    public required string Model { get; init; }
    /// <summary>Class names by id; [0] is background. Two classes: a binary (one-channel sigmoid) head.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>Display colour per class id as "#RRGGBB"; empty: the project palette.</summary>
    public IReadOnlyList<string> ClassColors { get; init; } = [];
    public required PreprocessOptions Preprocess { get; init; }
    /// <summary>Probability threshold of a binary head.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>SHA-256 (hex) of the checkpoint the weights came from; empty when unknown.</summary>
    public string CheckpointSha256 { get; init; } = "";
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;
    public OutputHead Head { get; init; } = OutputHead.Labels;
    /// <summary>Square window the network was trained on when smaller than the input (0: whole images):
    /// such a model is meant to be run by sliding windows (<see cref="TiledEngine"/>, `eval`'s tiler).</summary>
    public int Patch { get; init; }
    /// <summary>Whether images of another size than the input are resized to it (the default) or tiled by windows of it.</summary>
    public InferenceMode Inference { get; init; } = InferenceMode.Resize;
    /// <summary>A sliding-window model's preparation size (Width, Height), its windows being the graph's input:
    /// an export of a patch-trained checkpoint states the input it was trained at. Null: each image's own size.</summary>
    public (int Width, int Height)? TiledInput { get; init; }
    /// <summary>Forward-pass cost of one frame in GFLOP (multiply–adds × 2); 0 when unknown.</summary>
    public double GflopPerFrame { get; init; }

    public int Channels => Preprocess.Channels;
    public int Height => Preprocess.Height;
    public int Width => Preprocess.Width;
    public bool IsBinary => ClassNames.Count == 2;
    /// <summary>Channels of a probs / logits output: 1 for a binary head, one per class otherwise.</summary>
    public int OutputChannels => IsBinary ? 1 : ClassNames.Count;

    public ModelContract Validate()
    {
        if (ClassNames.Count is < 2 or > 256) throw new ArgumentOutOfRangeException(nameof(ClassNames), ClassNames.Count, "need background and 1–255 classes (labels are bytes)");
        if (ClassColors.Count != 0 && ClassColors.Count != ClassNames.Count)
            throw new ArgumentOutOfRangeException(nameof(ClassColors), ClassColors.Count, $"one colour per class ({ClassNames.Count}) or none");
        if (Patch < 0) throw new ArgumentOutOfRangeException(nameof(Patch), Patch, "must be ≥ 0");
        if (Threshold is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "must be in (0, 1)");
        if (TiledInput is { } t)
        {
            if (Inference != InferenceMode.SlidingWindow)
                throw new ArgumentOutOfRangeException(nameof(TiledInput), t, "states where windows are cut: only for inference sliding-window");
            if (t.Width < Preprocess.Width || t.Height < Preprocess.Height)
                throw new ArgumentOutOfRangeException(nameof(TiledInput), t, $"must hold one {Preprocess.Width}×{Preprocess.Height} window (the graph's input)");
        }
        Preprocess.Validate();
        return this;
    }
}
