using System.Diagnostics;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>What a session is: written once, as the first record (kind 'H').</summary>
/// <remarks>Encoding fields (<see cref="ImageEncoding"/>, <see cref="MaskEncoding"/>,
/// <see cref="Probabilities"/>) are set by the writer from its options.</remarks>
public sealed record SessionHeader
{
    public DateTimeOffset StartedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The source's description, e.g. "synthetic lesion 128×128 @ 25 fps".</summary>
    public string Source { get; init; } = "";

    /// <summary>Frame size and pixel format of the stream (0 × 0 when the session ended before its first frame).</summary>
    public int Width { get; init; }
    public int Height { get; init; }
    public PixelFormat PixelFormat { get; init; } = PixelFormat.Gray8;

    /// <summary>Size of the predicted masks (the model's input size); 0 when frames carry no prediction.</summary>
    public int MaskWidth { get; init; }
    public int MaskHeight { get; init; }

    /// <summary>Ticks per second of the stage stamps (<see cref="Stopwatch.Frequency"/> of the recording machine).</summary>
    public long ClockFrequency { get; init; } = Stopwatch.Frequency;

    public RecordedModel? Model { get; init; }

    /// <summary>Class names by id; [0] is background.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = ["background", "foreground"];

    /// <summary>Display colours by class id, "#rrggbb" (may be empty).</summary>
    public IReadOnlyList<string> ClassColors { get; init; } = [];

    /// <summary>Free-form key/value tags (operator, site, notes).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public ImageEncoding ImageEncoding { get; init; }
    public MaskEncoding MaskEncoding { get; init; }

    /// <summary>Frames carry 8-bit quantised foreground probabilities.</summary>
    public bool Probabilities { get; init; }

    public string Tool { get; init; } = "medseg";
}
