using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Finds the mask of an image by file stem in a masks folder, where the mask may be named
/// "<c>stem.ext</c>", "<c>stem_mask.ext</c>", "<c>stem_seg.ext</c>" or "<c>stem_label.ext</c>"
/// (each convention is common in public sets and tutorials).
/// </summary>
/// <remarks>
/// Two files that could be one image's mask (a.png and a_mask.png, or a.png and a.tif) are refused
/// by name rather than one picked: the other may be the one the user meant.
/// </remarks>
internal sealed class MaskFinder
{
    private static readonly string[] s_suffixes = ["", "_mask", "_seg", "_label"];
    private readonly string _directory;
    private readonly Dictionary<string, List<string>> _byStem = new(StringComparer.Ordinal);

    public MaskFinder(string directory)
    {
        _directory = directory;
        foreach (string path in ImageFiles.List(directory))
        {
            Add(Path.GetFileNameWithoutExtension(path), path);
        }
    }

    public IEnumerable<string> AllMasks => _byStem.Values.SelectMany(v => v);

    /// <summary>
    /// The mask of <paramref name="stem"/>. Throws from here (called in Load, not in the
    /// constructor) so one validation run can list every image that lacks a mask.
    /// </summary>
    public string Find(string stem, string imagePath)
    {
        string[] candidates = s_suffixes
            .SelectMany(suffix => _byStem.TryGetValue(stem + suffix, out List<string>? found) ? found : [])
            .ToArray();
        return candidates.Length switch
        {
            1 => candidates[0],
            0 => throw new DatasetException(imagePath,
                $"mask missing: no {string.Join(", ", s_suffixes.Select(suffix => $"{stem}{suffix}.*"))} in {_directory}"),
            _ => throw new DatasetException(imagePath, $"ambiguous mask: {string.Join(", ", candidates.Select(Path.GetFileName))} could each be its mask; keep one"),
        };
    }

    private void Add(string stem, string path)
    {
        if (!_byStem.TryGetValue(stem, out List<string>? list))
        {
            list = [];
            _byStem[stem] = list;
        }

        list.Add(path);
    }
}
