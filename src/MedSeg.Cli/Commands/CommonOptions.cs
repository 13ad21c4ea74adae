using System.CommandLine;
using System.Globalization;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Cli.Commands;

/// <summary>Options shared by several commands, with one parser each.</summary>
public static class CommonOptions
{
    public static Option<string> Data(bool required = true) => new("--data")
    {
        Description = "Data set: synthetic:lungs|lesion|mri[?n=400&size=128&seed=1], " +
                      "stack-pair:IMG?labels=LBL[&axis=z&threshold=T&slices=A-B&block=N] (NIfTI .nii/.nii.gz, multi-page TIFF such as ISBI's " +
                      "train-volume.tif + train-labels.tif, or a DICOM series folder; nifti-pair: is its older name), or a folder (paired " +
                      "images|image|img|x/ + masks|mask|label|labels|gt|y/ or NAME/ + NAME_masks/, an ISBI NAME-volume.tif + NAME-labels.tif pair, " +
                      "Decathlon / nnU-Net imagesTr/ + labelsTr/, Montgomery CXR, Kaggle LGG MRI, DSB 2018, palette masks; auto-detected)",
        Required = required,
    };

    public static Option<string?> Layout() => new("--layout")
    {
        Description = "Force the folder layout: paired | montgomery | lgg | dsb2018 | palette | decathlon",
    };

    public static Option<bool> SkipBad() => new("--skip-bad")
    {
        Description = "Skip unusable samples (unreadable, mask missing, size or class mismatch) and count them, instead of stopping",
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "auto (CUDA when available, else CPU) | cpu | cuda[:N]",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<int> Threads() => new Option<int>("--threads")
    {
        Description = "Torch intra-op threads (0 = one per core)",
        DefaultValueFactory = _ => 0,
    }.Between(0, 1024);

    /// <summary>
    /// --threads for commands that stream (stream, record, replay, demo): by default one core is left
    /// to the pipeline's own threads (source, preprocessing, postprocessing, sinks, rendering).
    /// Measured on 2 cores (README, "One torch thread"): pipeline overhead 0.25 ms with one torch
    /// thread against 7.4 ms with two, and a lower end-to-end median although the engine alone is
    /// faster with two.
    /// </summary>
    public static Option<int> StreamingThreads() => new Option<int>("--threads")
    {
        Description = "Torch intra-op threads (default: cores − 1, leaving a core to the pipeline's own threads; 0 = one per core)",
        DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount - 1),
    }.Between(0, 1024);

    /// <summary>--max-batch of the micro-batcher (also the engine's staging size) for the streaming commands.</summary>
    public static Option<int> MaxBatch() => new Option<int>("--max-batch")
    {
        Description = "A batch closes at this many frames…",
        DefaultValueFactory = _ => 4,
    }.Between(1, 1024);

    /// <summary>--threshold of a streaming command's engine and postprocessing; unset means the checkpoint's.</summary>
    public static Option<double?> Threshold() => new Option<double?>("--threshold") { Description = "Probability threshold (default: the checkpoint's)" }.Between(0.0, 1.0);

    /// <summary>--max-wait-ms of the micro-batcher; unset means the pipeline mode's default.</summary>
    public static Option<double?> MaxWaitMs() => new Option<double?>("--max-wait-ms")
    {
        Description = "…or this long after its first frame (default: 0 in Newest mode, a live frame never waits for company; 2 in All mode)",
    }.Between(0.0, 60_000);

    public static TimeSpan? MaxWait(double? milliseconds) => milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

    public static Option<string> Out(string defaultValue) => new("--out")
    {
        Description = "Output folder",
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>"128" or "160x128" (width × height).</summary>
    public static (int Width, int Height) ParseSize(string s)
    {
        var parts = s.ToLowerInvariant().Split('x');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int w = int.Parse(parts[0], CultureInfo.InvariantCulture);
            return (w, parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : w);
        }
        throw new ArgumentException($"--size '{s}': expected N or WxH, e.g. 128 or 160x128");
    }

    public static ColorMode ParseColor(string s) => s.ToLowerInvariant() switch
    {
        "gray" or "grey" or "grayscale" => ColorMode.Gray,
        "rgb" => ColorMode.Rgb,
        "hsv" => ColorMode.Hsv,
        _ => throw new ArgumentException($"--color '{s}': use gray, rgb or hsv"),
    };

    public static Normalization ParseNorm(string s) => s.ToLowerInvariant() switch
    {
        "unit" or "unit-range" or "minmax" => Normalization.UnitRange,
        "zscore" or "z-score" => Normalization.ZScore,
        "zscore-nonzero" or "z-score-nonzero" => Normalization.ZScoreNonZero,
        "window" => Normalization.Window,
        "dataset" or "dataset-stats" => Normalization.DatasetStats,
        _ => throw new ArgumentException($"--norm '{s}': use unit, zscore, zscore-nonzero, window or dataset"),
    };

    /// <summary>
    /// Creates <paramref name="folder"/> and proves it takes a file, before minutes of work whose
    /// results would go there: an unwritable --out is refused at once, named.
    /// </summary>
    /// <param name="name">How the error names where the folder came from (the option or spec key).</param>
    /// <exception cref="IOException">The folder cannot be made or written.</exception>
    public static void EnsureWritableFolder(string folder, string name = "--out")
    {
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".medseg-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{name} {folder}: cannot write there: {e.Message}", e);
        }
    }

    /// <summary>"-160,240" → (low, high), e.g. a soft-tissue CT window in HU.</summary>
    public static (double Low, double High) ParseWindow(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double lo)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double hi) && hi > lo)
            return (lo, hi);
        throw new ArgumentException($"--window '{s}': expected LOW,HIGH with HIGH > LOW, e.g. -160,240");
    }
}
