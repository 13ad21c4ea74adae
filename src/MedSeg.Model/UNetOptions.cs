using System.Text.Json.Serialization;

namespace MedSeg.Model;

public enum Upsampling { Transposed, Bilinear }

/// <summary>
/// Everything needed to rebuild a U-Net; stored in every checkpoint next to the weights.
/// </summary>
public sealed record UNetOptions
{
    public int InChannels { get; init; } = 1;
    /// <summary>Class names indexed by id; [0] is background. Two classes → a binary sigmoid head.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = ["background", "foreground"];
    /// <summary>Number of down-sampling steps (the classic U-Net has 4).</summary>
    public int Depth { get; init; } = 4;
    /// <summary>Channels of the first block; doubled at each step down.</summary>
    public int BaseWidth { get; init; } = 64;
    public bool BatchNorm { get; init; } = true;
    /// <summary>Dropout2d probability after each double convolution, 0 for none.</summary>
    public double Dropout { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter<Upsampling>))]
    public Upsampling Upsampling { get; init; } = Upsampling.Transposed;

    [JsonIgnore] public int NumClasses => ClassNames.Count;
    /// <summary>Binary tasks use one sigmoid channel; multi-class tasks one softmax channel per class.</summary>
    [JsonIgnore] public bool IsBinary => NumClasses == 2;
    [JsonIgnore] public int OutChannels => IsBinary ? 1 : NumClasses;

    /// <summary>Input side lengths must be divisible by this.</summary>
    [JsonIgnore] public int SizeMultiple => 1 << Depth;

    public UNetOptions Validate()
    {
        if (InChannels < 1) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, "must be ≥ 1");
        if (NumClasses < 2) throw new ArgumentOutOfRangeException(nameof(ClassNames), NumClasses, "need background and at least one class");
        if (Depth is < 1 or > 6) throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "must be 1–6");
        if (BaseWidth < 2 || BaseWidth % 2 != 0) throw new ArgumentOutOfRangeException(nameof(BaseWidth), BaseWidth, "must be an even number ≥ 2");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "must be in [0, 1)");
        return this;
    }

    /// <summary>Structural equality (records compare lists by reference).</summary>
    public bool SameArchitecture(UNetOptions other) =>
        InChannels == other.InChannels && OutChannels == other.OutChannels && Depth == other.Depth
        && BaseWidth == other.BaseWidth && BatchNorm == other.BatchNorm && Upsampling == other.Upsampling;

    public string Describe() =>
        $"U-Net depth {Depth}, base {BaseWidth}, {InChannels} in → {OutChannels} out ({(IsBinary ? "sigmoid" : "softmax")}), " +
        $"{(BatchNorm ? "batch norm" : "no batch norm")}, {Upsampling.ToString().ToLowerInvariant()} upsampling" +
        (Dropout > 0 ? $", dropout {Dropout}" : "");
}
