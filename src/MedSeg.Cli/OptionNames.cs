
namespace MedSeg.Cli;

/// <summary>
/// The option as typed for the name an options record or the session spec refused a value under:
/// the records validate with <c>nameof(Property)</c> and the spec with its keys, and neither knows
/// the flags that filled it in.
/// </summary>
/// <remarks>
/// Most properties are their option in PascalCase (MaxBatch is --max-batch); the table holds the
/// ones that are not. A spec key seen here came from flags: a spec file's own errors are named by
/// <see cref="Pipeline.Session.SessionSpecFile"/> before they get here.
/// </remarks>
public static class OptionNames
{
    private static readonly Dictionary<string, string> s_typed = new(StringComparer.Ordinal)
    {
        // `medseg train` (and plan / demo, which fill in the same records).
        ["TrainOptions.Preprocess"] = "--size",
        ["PreprocessOptions.Width"] = "--size",
        ["PreprocessOptions.Height"] = "--size",
        ["UNetOptions.BaseWidth"] = "--base",
        ["TrainOptions.LearningRate"] = "--lr",
        ["TrainOptions.WarmupSteps"] = "--warmup",
        ["PlannerOptions.BudgetSeconds"] = "--budget",
        // The streaming front-ends' flags, as the session spec validates them.
        ["engine.threshold"] = "--threshold",
        ["engine.threads"] = "--threads",
        ["engine.kind"] = "--engine",
        ["engine.device"] = "--device",
        ["engine.tiling"] = "--tiling",
        ["batcher.maxBatch"] = "--max-batch",
        ["batcher.maxWaitMs"] = "--max-wait-ms",
        ["postprocess.smoothing"] = "--smooth",
        ["report.path"] = "--report",
        ["sinks.recorder.path"] = "--record",
        ["sinks.recorder.imageCodec"] = "--image-codec",
        ["sinks.recorder.maskCodec"] = "--mask-codec",
        ["sinks.recorder.fsync"] = "--fsync",
    };

    /// <summary>
    /// The option as typed for <paramref name="e"/>'s ParamName, the spec key itself where no flag
    /// sets it, or null for a method's own parameter (which names nothing the user typed).
    /// </summary>
    public static string? Of(ArgumentException e)
    {
        if (e.ParamName is not { Length: > 0 } name) return null;
        string? type = e.TargetSite?.DeclaringType?.Name;
        if (type is not null && s_typed.TryGetValue($"{type}.{name}", out var typed)) return typed;
        if (s_typed.TryGetValue(name, out typed)) return typed;
        if (IsPropertyName(name)) return Kebab(name);
        return IsSpecKey(name) ? name : null;
    }

    /// <summary>"MaxBatch" → "--max-batch".</summary>
    public static string Kebab(string property)
    {
        var s = new System.Text.StringBuilder("--");
        for (int i = 0; i < property.Length; i++)
        {
            if (char.IsUpper(property[i]) && i > 0) s.Append('-');
            s.Append(char.ToLowerInvariant(property[i]));
        }
        return s.ToString();
    }

    // Options records validate with nameof(Property): "MaxBatch" is what the user typed as --max-batch.
    private static bool IsPropertyName(string name) => char.IsUpper(name[0]) && name.All(char.IsLetterOrDigit);

    // "engine.threshold", "sources[0].uri": the session spec's keys.
    private static bool IsSpecKey(string name) => name.Contains('.', StringComparison.Ordinal) || name.Contains('[', StringComparison.Ordinal) || name == "sources";
}
