using MedSeg.Core.Specs;
using MedSeg.Imaging.Io;
using MedSeg.Imaging.Phantoms;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Opens a data set from a command-line spec: <c>synthetic:&lt;task&gt;[?n=..&amp;size=..&amp;seed=..]</c>,
/// <c>stack-pair:IMG?labels=LBL&amp;...</c> or its older name <c>nifti-pair:</c> (<see cref="StackPairDataset"/>),
/// a folder whose layout is detected, or <c>&lt;layout&gt;:&lt;folder&gt;</c> (the form
/// <see cref="ISegmentationDataset.Name"/> prints, so a name can be pasted back).
/// </summary>
public static class DatasetFactory
{
    public const string SyntheticPrefix = "synthetic:";

    /// <summary>Layouts <see cref="Open"/> accepts for its <c>layout</c> argument.</summary>
    public static IReadOnlyList<string> Layouts { get; } = ["paired", "montgomery", "lgg", "dsb2018", "palette", "decathlon"];

    private static string LookedFor =>
        $"CXR_png/ + ManualMask/ (montgomery), palette.txt + an image and a mask folder (palette), {PairedFolders.Described} (paired), "
        + "NAME-volume.tif + NAME-labels.tif (an ISBI-style stack pair), imagesTr/ + labelsTr/ NIfTI cases (decathlon), <id>/images/ + <id>/masks/ (dsb2018), patient folders holding *_mask.tif (lgg)";

    public static ISegmentationDataset Open(string spec, string? layout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        // A recorded session (file.msgpack or recording:file) trains on its frames and ground truth (or predictions).
        if (Recording.RecordingDataset.IsRecording(spec)) return Recording.RecordingDataset.Open(spec);
        if (StackPairDataset.IsSpec(spec)) return StackPairDataset.Open(spec);

        if (spec.StartsWith(SyntheticPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return OpenSynthetic(spec[SyntheticPrefix.Length..]);
        }

        string path = spec;
        int colon = spec.IndexOf(':');
        // Only a known layout name counts as a prefix, so "C:\data" stays a Windows path.
        if (layout is null && colon > 1 && Layouts.Contains(spec[..colon].ToLowerInvariant()))
        {
            layout = spec[..colon];
            path = spec[(colon + 1)..];
        }

        if (!Directory.Exists(path))
        {
            // One volume or TIFF stack is half of a stack pair: say how to give the other half.
            string hint = File.Exists(path) && Formats.SliceStacks.IsStackFile(path)
                ? $"'{path}' is one stack; pair it with its labels: {StackPairDataset.Prefix}{path}?labels=LABELS"
                : $"data set folder not found: '{path}' (or use {SyntheticPrefix}<task> or {StackPairDataset.Prefix}IMG?labels=LBL)";
            throw new ArgumentException(hint, nameof(spec));
        }

        layout ??= Detect(path);
        if (layout.Equals(StackLayout, StringComparison.OrdinalIgnoreCase))
        {
            return StackPairDataset.Open(StackPairDataset.FindInFolder(path)
                ?? throw new DatasetException(path, "no NAME-volume.tif + NAME-labels.tif stack pair in this folder"));
        }

        return layout.ToLowerInvariant() switch
        {
            // A classes.txt beside images/ and masks/ says the masks hold class ids, not a binary mask.
            "paired" => new PairedFolderDataset(path, multiClass: File.Exists(Path.Combine(path, PairedFolderDataset.ClassesFile))),
            "montgomery" => new MontgomeryDataset(path),
            "lgg" => new LggDataset(path),
            "dsb2018" => new DataScienceBowlDataset(path),
            "palette" => new PaletteDataset(path),
            "decathlon" => new VolumeFolderDataset(path),
            _ => throw new ArgumentException($"unknown layout '{layout}'; known layouts: {string.Join(", ", Layouts)}", nameof(layout)),
        };
    }

    /// <summary>What <see cref="Detect"/> says of a folder holding one ISBI-style stack pair (train-volume.tif + train-labels.tif).</summary>
    public const string StackLayout = "stack-pair";

    /// <summary>The layout name of a folder; throws <see cref="ArgumentException"/> listing what was looked for.</summary>
    public static string Detect(string path)
    {
        bool Has(string name) => Directory.Exists(Path.Combine(path, name));

        // Most specific first: a paired root's masks/ folder may hold *_mask.tif files, which
        // would otherwise pass for an LGG patient folder.
        if (Has("CXR_png") && Has("ManualMask"))
        {
            return "montgomery";
        }

        bool paired = PairedFolders.Find(path) is not null;
        if (File.Exists(Path.Combine(path, PaletteDataset.PaletteFile)) && paired)
        {
            return "palette";
        }

        if (paired)
        {
            return "paired";
        }

        if (StackPairDataset.FindInFolder(path) is not null)
        {
            return StackLayout;
        }

        if (VolumeFolderDataset.Matches(path))
        {
            return "decathlon";
        }

        string dsbRoot = Has(DataScienceBowlDataset.StageFolder) ? Path.Combine(path, DataScienceBowlDataset.StageFolder) : path;
        if (ImageFiles.ListDirectories(dsbRoot).Any(d => Directory.Exists(Path.Combine(d, "images")) && Directory.Exists(Path.Combine(d, "masks"))))
        {
            return "dsb2018";
        }

        string lggRoot = Has(LggDataset.KaggleFolder) ? Path.Combine(path, LggDataset.KaggleFolder) : path;
        if (ImageFiles.ListDirectories(lggRoot).Any(d => Directory.EnumerateFiles(d, "*_mask.tif").Any()))
        {
            return "lgg";
        }

        throw new ArgumentException($"cannot detect the data set layout of '{path}'{Found(path)}; looked for {LookedFor}. Pass a layout ({string.Join(", ", Layouts)}) to force one.", nameof(path));
    }

    // What a near miss has, so the message says what is missing rather than only what was sought.
    private static string Found(string path)
    {
        if (PairedFolders.FindImages(path) is { } images)
            return $" (it has an image folder, {Path.GetFileName(images)}/, but no mask folder named {string.Join("|", PairedFolders.MaskNames)})";
        if (Directory.Exists(Path.Combine(path, VolumeFolderDataset.ImagesFolder)))
            return $" (it has {VolumeFolderDataset.ImagesFolder}/ but no {VolumeFolderDataset.LabelsFolder}/)";
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (ImageFiles.List(path).Count > 0 && (PairedFolders.ImageNames.Contains(name.ToLowerInvariant()) || PairedFolders.MaskNames.Contains(name.ToLowerInvariant())))
            return $" (it is itself a folder of images: pass the folder above it, '{Path.GetDirectoryName(Path.GetFullPath(path))}', which holds the images and the masks)";
        string[] train = ImageFiles.ListDirectories(path)
            .Where(d => Path.GetFileName(d).Equals("train", StringComparison.OrdinalIgnoreCase) && PairedFolders.Find(d) is not null)
            .ToArray();
        return train.Length == 1 ? $" (its {Path.GetFileName(train[0])}/ folder is a paired layout: pass '{train[0]}')" : "";
    }

    private static SyntheticDataset OpenSynthetic(string rest)
    {
        var (taskName, query) = SpecQuery.Split("synthetic", rest);
        SyntheticTask task = ParseTask(taskName);
        int n = query.Get<int>("n") ?? 400, size = query.Get<int>("size") ?? 128, seed = query.Get<int>("seed") ?? 1;
        query.EnsureConsumed("n", "size", "seed");
        if (n <= 0)
        {
            throw new ArgumentException($"empty data set: synthetic n must be positive, got {n}", nameof(rest));
        }

        return new SyntheticDataset(task, n, size, seed);
    }

    private static SyntheticTask ParseTask(string name) => name.Trim().ToLowerInvariant() switch
    {
        "lungs" or "xray" => SyntheticTask.Lungs,
        "lesion" or "ultrasound" or "us" => SyntheticTask.Lesion,
        "mri" or "brain" => SyntheticTask.Mri,
        _ => throw new ArgumentException($"unknown synthetic task '{name}'; known: lungs|xray, lesion|ultrasound|us, mri|brain", nameof(name)),
    };
}
