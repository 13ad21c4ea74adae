using System.Globalization;

namespace MedSeg.Core.Limits;

/// <summary>
/// The caps every reader checks against a file's or message's header before it allocates or
/// reads anything: image side, pixels per image, bytes per volume and per item, frames per file.
/// </summary>
/// <remarks>
/// One place, so a damaged header cannot make any reader allocate gigabytes or loop for hours:
/// DICOM, NIfTI, image folders and TIFF (through OpenCV's own cap), OpenIGTLink and recordings.
/// The defaults hold every real modality we know of (a 4096×5625 mammogram, a 512×512×2000 CT);
/// each can be raised (or lowered) with its environment variable, read once at start:
/// MEDSEG_MAX_IMAGE_SIDE, MEDSEG_MAX_IMAGE_PIXELS, MEDSEG_MAX_VOLUME_BYTES, MEDSEG_MAX_ITEM_BYTES,
/// MEDSEG_MAX_FRAMES.
/// </remarks>
public sealed record InputLimits
{
    /// <summary>Width or height of one image, in pixels.</summary>
    public long MaxImageSide { get; init; } = 16_384;
    /// <summary>Pixels of one image (width × height).</summary>
    public long MaxImagePixels { get; init; } = 1L << 26;
    /// <summary>Bytes of one volume held in memory (a NIfTI volume).</summary>
    public long MaxVolumeBytes { get; init; } = 1L << 30;
    /// <summary>Bytes of one item read at once: a DICOM frame, an OpenIGTLink body, a recorded record.</summary>
    public long MaxItemBytes { get; init; } = 256L << 20;
    /// <summary>Frames (slices) of one file or series.</summary>
    public long MaxFrames { get; init; } = 100_000;

    /// <summary>The defaults with the MEDSEG_MAX_* environment variables applied; read once per process.</summary>
    public static InputLimits Current { get; } = FromEnvironment(Environment.GetEnvironmentVariable);

    public static InputLimits FromEnvironment(Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var d = new InputLimits();
        return new InputLimits
        {
            MaxImageSide = Read(env, "MEDSEG_MAX_IMAGE_SIDE", d.MaxImageSide),
            MaxImagePixels = Read(env, "MEDSEG_MAX_IMAGE_PIXELS", d.MaxImagePixels),
            MaxVolumeBytes = Read(env, "MEDSEG_MAX_VOLUME_BYTES", d.MaxVolumeBytes),
            MaxItemBytes = Read(env, "MEDSEG_MAX_ITEM_BYTES", d.MaxItemBytes),
            MaxFrames = Read(env, "MEDSEG_MAX_FRAMES", d.MaxFrames),
        };
    }

    /// <summary>Why an image of this size is refused, or null when it is within the caps.</summary>
    public string? ImageProblem(long width, long height, long bytesPerPixel = 1)
    {
        if (width <= 0 || height <= 0) return $"image is {width}×{height} pixels";
        if (width > MaxImageSide || height > MaxImageSide)
            return $"image of {width}×{height} exceeds the {MaxImageSide}-pixel side limit (MEDSEG_MAX_IMAGE_SIDE raises it)";
        if (width * height > MaxImagePixels)
            return $"image of {width}×{height} = {width * height} pixels exceeds the {MaxImagePixels}-pixel limit (MEDSEG_MAX_IMAGE_PIXELS raises it)";
        long bytes = width * height * Math.Max(1, bytesPerPixel);
        return bytes > MaxItemBytes ? ItemProblem(bytes, "one image") : null;
    }

    /// <summary>Why an item of <paramref name="bytes"/> is refused, or null.</summary>
    public string? ItemProblem(long bytes, string what = "one item") =>
        bytes < 0 || bytes > MaxItemBytes ? $"{what} of {bytes} bytes exceeds the {MaxItemBytes}-byte limit (MEDSEG_MAX_ITEM_BYTES raises it)" : null;

    /// <summary>Why a volume of <paramref name="bytes"/> is refused, or null.</summary>
    public string? VolumeProblem(long bytes) =>
        bytes < 0 || bytes > MaxVolumeBytes ? $"one volume of {bytes} bytes exceeds the {MaxVolumeBytes}-byte limit (MEDSEG_MAX_VOLUME_BYTES raises it)" : null;

    /// <summary>Why <paramref name="frames"/> frames are refused, or null.</summary>
    public string? FramesProblem(long frames) =>
        frames < 0 || frames > MaxFrames ? $"{frames} frames exceed the {MaxFrames}-frame limit (MEDSEG_MAX_FRAMES raises it)" : null;

    private static long Read(Func<string, string?> env, string name, long fallback)
    {
        string? text = env(name);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0
            ? v
            : throw new ArgumentException($"{name}={text} is not a positive whole number");
    }
}
