using System.Globalization;
using MedSeg.Core.Recording;

namespace MedSeg.Pipeline.Session;

/// <summary>The words a session spec accepts for its enumerations, parsed in one place (the CLI flags use the same).</summary>
public static class SpecWords
{
    /// <summary>auto | newest | all → null (decide from the source) or the mode.</summary>
    public static PipelineMode? Mode(string value, string key = "mode") => value.ToLowerInvariant() switch
    {
        "auto" => null,
        "newest" or "live" => PipelineMode.Newest,
        "all" or "replay" => PipelineMode.All,
        _ => throw new ArgumentException($"{key} '{value}': use auto, newest or all", key),
    };

    /// <summary>auto | torch | onnx, lower-case.</summary>
    public static string EngineKind(string value) => value.ToLowerInvariant() switch
    {
        "auto" or "torch" or "onnx" => value.ToLowerInvariant(),
        _ => throw new ArgumentException($"engine.kind '{value}': use auto, torch or onnx", "engine.kind"),
    };

    /// <summary>duringrun | off | always (ONNX Runtime intra-op spinning), lower-case.</summary>
    public static string Spinning(string value) => value.ToLowerInvariant() switch
    {
        "duringrun" or "off" or "always" => value.ToLowerInvariant(),
        _ => throw new ArgumentException($"engine.spinning '{value}': use duringrun, off or always", "engine.spinning"),
    };

    /// <summary>fp32 | bf16 | int8, lower-case (whether it runs is the engine factory's to say).</summary>
    public static string Precision(string value, string key = "engine.precision") => value.ToLowerInvariant() switch
    {
        "fp32" or "bf16" or "int8" => value.ToLowerInvariant(),
        _ => throw new ArgumentException($"{key} '{value}': use fp32, bf16 or int8", key),
    };

    public static string ViewKind(string value) => value.ToLowerInvariant() switch
    {
        "none" or "auto" or "window" or "headless" => value.ToLowerInvariant(),
        _ => throw new ArgumentException($"sinks.view.kind '{value}': use none, auto, window or headless", "sinks.view.kind"),
    };

    public static ImageEncoding ImageCodec(string s) => s.ToLowerInvariant() switch
    {
        "raw" or "lz4" => ImageEncoding.Raw,
        "png" => ImageEncoding.Png,
        _ => throw new ArgumentException($"image codec '{s}': use raw or png", "sinks.recorder.imageCodec"),
    };

    public static MaskEncoding MaskCodec(string s) => s.ToLowerInvariant() switch
    {
        "rle" => MaskEncoding.Rle,
        "png" => MaskEncoding.Png,
        _ => throw new ArgumentException($"mask codec '{s}': use rle or png", "sinks.recorder.maskCodec"),
    };

    public static (FsyncPolicy Policy, int Every) Fsync(string s) => s.ToLowerInvariant() switch
    {
        "none" or "0" => (FsyncPolicy.None, 1),
        "every" or "1" or "always" => (FsyncPolicy.EveryRecord, 1),
        _ when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 1 => (FsyncPolicy.EveryN, n),
        _ => throw new ArgumentException($"fsync '{s}': use none, every, or a number of records N ≥ 2", "sinks.recorder.fsync"),
    };
}
