using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Finds the mask of an image by file stem in a masks folder, where the mask may be named
/// "<c>stem.ext</c>" or "<c>stem_mask.ext</c>" (both conventions are common in public sets).
/// </summary>
internal sealed class MaskFinder
{
    private const string MaskSuffix = "_mask";
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
        if (_byStem.TryGetValue(stem, out List<string>? exact) || _byStem.TryGetValue(stem + MaskSuffix, out exact))
        {
            if (exact.Count > 1)
            {
                throw new DatasetException(imagePath, $"ambiguous mask: {string.Join(", ", exact.Select(Path.GetFileName))}");
            }

            return exact[0];
        }

        throw new DatasetException(imagePath, $"mask missing: no {stem}.* or {stem}{MaskSuffix}.* in {_directory}");
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
