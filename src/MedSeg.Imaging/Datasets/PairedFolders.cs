using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Finds the image folder and the mask folder of a paired root under the names U-Net tutorials
/// give them: <c>images/ + masks/</c>, zhixuhao/unet's <c>image/ + label/</c>, <c>img/ + gt/</c>,
/// <c>x/ + y/</c> and so on, in any letter case, or Kaggle's <c>train/ + train_masks/</c>.
/// </summary>
public static class PairedFolders
{
    /// <summary>Names an image folder may have, lower case.</summary>
    public static IReadOnlyList<string> ImageNames { get; } = ["images", "image", "imgs", "img", "input", "x"];

    /// <summary>Names a mask folder may have, lower case.</summary>
    public static IReadOnlyList<string> MaskNames { get; } = ["masks", "mask", "label", "labels", "gt", "groundtruth", "y"];

    /// <summary>Endings of a mask folder named after its image folder, lower case: train/ + train_masks/.</summary>
    public static IReadOnlyList<string> MaskSuffixes { get; } = ["_masks", "_mask", "_labels", "_label", "_gt"];

    /// <summary>"images|image|…/ + masks|mask|…/ or NAME/ + NAME_masks|…/", for messages that list what was looked for.</summary>
    public static string Described =>
        $"{string.Join("|", ImageNames)}/ + {string.Join("|", MaskNames)}/ or NAME/ + NAME{string.Join("|", MaskSuffixes)}/";

    /// <summary>The image and mask folders of <paramref name="root"/>, or null when either is missing.</summary>
    /// <exception cref="DatasetException">Two folders could be the images (or the masks), e.g. images/ and img/.</exception>
    public static (string Images, string Masks)? Find(string root) =>
        FindImages(root) is { } images && FindMasks(root) is { } masks ? (images, masks) : FindSuffixed(root);

    /// <summary>The one sub-folder of <paramref name="root"/> named like an image folder, or null.</summary>
    public static string? FindImages(string root) => FindOne(root, ImageNames, "image");

    /// <summary>The one sub-folder of <paramref name="root"/> named like a mask folder, or null.</summary>
    public static string? FindMasks(string root) => FindOne(root, MaskNames, "mask");

    /// <summary>Both folders of <paramref name="root"/>, or a <see cref="DatasetException"/> naming <paramref name="root"/> and the one missing.</summary>
    public static (string Images, string Masks) Require(string root, string layout)
    {
        string? found = FindImages(root);
        if (found is null && FindSuffixed(root) is { } suffixed) return suffixed;
        string images = found ?? throw Missing(root, layout, "an image", ImageNames);
        string masks = FindMasks(root) ?? throw Missing(root, layout, "a mask", MaskNames);
        return (images, masks);
    }

    /// <summary>
    /// Kaggle's form, a folder and its masks beside it (Carvana's <c>train/</c> + <c>train_masks/</c>), or null.
    /// </summary>
    private static (string Images, string Masks)? FindSuffixed(string root)
    {
        var folders = ImageFiles.ListDirectories(root);
        var pairs = folders
            .SelectMany(images => MaskSuffixes.Select(suffix => (Images: images,
                Masks: folders.FirstOrDefault(m => Path.GetFileName(m).Equals(Path.GetFileName(images) + suffix, StringComparison.OrdinalIgnoreCase)))))
            .Where(p => p.Masks is not null)
            .ToArray();
        if (pairs.Length > 1)
        {
            throw new DatasetException(root,
                $"ambiguous paired layout: {string.Join(" and ", pairs.Select(p => $"{Path.GetFileName(p.Images)}/ + {Path.GetFileName(p.Masks)}/"))} could each be the images and masks; keep one");
        }

        return pairs.Length == 1 ? (pairs[0].Images, pairs[0].Masks!) : null;
    }

    private static DatasetException Missing(string root, string layout, string what, IReadOnlyList<string> names) =>
        new(root, $"the {layout} layout needs {what} folder here, named {string.Join("|", names)} (any case)");

    private static string? FindOne(string root, IReadOnlyList<string> names, string role)
    {
        string[] found = ImageFiles.ListDirectories(root)
            .Where(d => names.Contains(Path.GetFileName(d).ToLowerInvariant()))
            .ToArray();
        // images/ and masks/ were the only names once: a set that has them beside labels/ keeps reading them.
        string? canonical = found.FirstOrDefault(d => Path.GetFileName(d) == names[0]);
        if (canonical is not null) return canonical;
        // Picking one of two would train on whichever sorts first; the user knows which is meant.
        if (found.Length > 1)
        {
            throw new DatasetException(root,
                $"ambiguous paired layout: {string.Join(" and ", found.Select(d => Path.GetFileName(d) + "/"))} could each be the {role} folder; keep one");
        }

        return found.Length == 1 ? found[0] : null;
    }
}
