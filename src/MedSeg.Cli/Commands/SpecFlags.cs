using System.CommandLine;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>
/// The flags every streaming front-end shares, and how each lands in a <see cref="SessionSpec"/>:
/// the front-ends only translate flags into a spec, <see cref="Sessions.SessionRunner"/> runs it.
/// </summary>
public static class SpecFlags
{
    public static Option<bool> PrintSpec() => new("--print-spec")
    {
        Description = "Print the effective session spec (YAML, every default written out) instead of running; `medseg run FILE` runs it unchanged",
    };

    /// <summary>--source, repeatable: one stream per source, all on one model.</summary>
    public static Option<string[]> Sources(string defaultSource, string description) => new("--source")
    {
        Description = description + "; repeat for several streams on one model",
        DefaultValueFactory = _ => [defaultSource],
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>--engine: engine.kind.</summary>
    public static Option<string> Engine()
    {
        var engine = new Option<string>("--engine")
        {
            Description = "auto (default): the faster runtime for this model on this machine | torch | onnx",
            DefaultValueFactory = _ => "auto",
        };
        engine.AcceptOnlyFromAmong("auto", "torch", "onnx");
        return engine;
    }

    /// <summary>--tiling: engine.tiling.</summary>
    public static Option<string> Tiling()
    {
        var o = new Option<string>("--tiling")
        {
            Description = "auto (default): a model trained on patches smaller than its input, or a .onnx whose contract says inference: sliding-window, runs by sliding windows, as `eval` does | off: whole frames",
            DefaultValueFactory = _ => "auto",
        };
        o.AcceptOnlyFromAmong("auto", "off");
        return o;
    }

    /// <summary>--precision: engine.precision.</summary>
    public static Option<string> Precision() => new("--precision")
    {
        Description = "fp32 (default) | int8: the checkpoint quantized in memory (static QDQ, calibrated on training images) on ONNX Runtime's CPU provider | bf16: the TorchSharp engine in bfloat16 (fp32 head), on CPUs with native bf16 only (AVX512_BF16 / AMX, arm64 bf16); refused elsewhere, with the reason",
        DefaultValueFactory = _ => "fp32",
    };

    /// <summary>--calibration: engine.calibration.</summary>
    public static Option<string?> Calibration() => new("--calibration")
    {
        Description = "--precision int8: data spec whose images calibrate the quantization (default: the checkpoint's training data)",
    };

    /// <summary>The precision flags into <paramref name="engine"/>.</summary>
    public static EngineSection WithPrecision(this EngineSection engine, ParseResult p, Option<string> precision, Option<string?> calibration)
    {
        engine.Precision = SpecWords.Precision(p.GetValue(precision)!, "--precision");
        engine.Calibration = p.GetValue(calibration);
        return engine;
    }

    public static Option<string> Mode() => new("--mode")
    {
        Description = "auto (default): live sources drop their oldest frame when behind (newest), replays wait (all) | newest | all",
        DefaultValueFactory = _ => "auto",
    };

    public static List<SourceSection> SourceList(IEnumerable<string> uris, string mode)
    {
        _ = SpecWords.Mode(mode, "--mode");
        return [.. uris.Select(u => new SourceSection { Uri = u, Mode = mode.ToLowerInvariant() })];
    }

    /// <summary>The writer flags of record and replay, as a recorder section for <paramref name="path"/>.</summary>
    public sealed record Writer(Option<string> Image, Option<string> Masks, Option<bool> Probabilities, Option<string> Fsync, Option<bool> Overwrite, Option<string[]> Tags)
    {
        public static Writer Create() => new(
            OneOf(new Option<string>("--image-codec") { Description = "raw (LZ4 where it pays) | png", DefaultValueFactory = _ => "raw" }, "raw", "png"),
            OneOf(new Option<string>("--mask-codec") { Description = "rle | png", DefaultValueFactory = _ => "rle" }, "rle", "png"),
            new Option<bool>("--probabilities") { Description = "Also record the foreground probabilities (8-bit)" },
            Checked(new Option<string>("--fsync") { Description = "none | every (each record) | N (every N records); records always reach the OS as written", DefaultValueFactory = _ => "30" },
                    static v => SpecWords.Fsync(v)),
            new Option<bool>("--overwrite") { Description = "Replace an existing session file" },
            new Option<string[]>("--tag") { Description = "Free-form tag KEY=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false });

        public IEnumerable<Option> All => [Image, Masks, Probabilities, Fsync, Overwrite, Tags];

        public RecorderSection Section(ParseResult p, string? path) => new()
        {
            Path = path, Overwrite = p.GetValue(Overwrite), ImageCodec = p.GetValue(Image)!, MaskCodec = p.GetValue(Masks)!,
            Probabilities = p.GetValue(Probabilities), Fsync = p.GetValue(Fsync)!, Tags = ParseTags(p.GetValue(Tags)),
        };
    }

    public static Dictionary<string, string> ParseTags(string[]? tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string t in tags ?? [])
        {
            int eq = t.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--tag '{t}': expected KEY=VALUE");
            result[t[..eq]] = t[(eq + 1)..];
        }
        return result;
    }

    /// <summary>Runs the spec's own parser on the value at parse time, so its refusal names the option as typed.</summary>
    private static Option<string> Checked<T>(Option<string> option, Func<string, T> parse)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { } value) return;
            try
            {
                parse(value);
            }
            catch (ArgumentException e)
            {
                r.AddError($"{option.Name} {value}: {e.Message.Split(": ", 2)[^1].Split(" (Parameter", 2)[0]}");
            }
        });
        return option;
    }

    /// <summary>Refuses any other value at parse time, naming the option as typed.</summary>
    private static Option<string> OneOf(Option<string> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
