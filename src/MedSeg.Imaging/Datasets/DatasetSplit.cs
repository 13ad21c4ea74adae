using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// A train / validation split, saved beside a model so evaluation uses the same validation
/// samples. Ids and groups are stored as well as indices so a reordered or grown data set is
/// still split the same way (<see cref="Apply"/>) and a reader can check no patient leaked.
/// </summary>
/// <param name="Strategy">"group" (whole groups kept together) or "random" (by sample).</param>
/// <param name="TrainGroups">Distinct groups in the training part; empty for "random".</param>
/// <param name="ValGroups">Distinct groups in the validation part; empty for "random".</param>
public sealed record DatasetSplit(
    int[] Train,
    int[] Val,
    int Seed,
    string Strategy,
    string[] TrainIds,
    string[] ValIds,
    string[] TrainGroups,
    string[] ValGroups)
{
    public const string GroupStrategy = "group";
    public const string RandomStrategy = "random";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public void Save(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var file = new SplitFile(Strategy, Seed, new SplitPart(Train, TrainIds, TrainGroups), new SplitPart(Val, ValIds, ValGroups));
        Core.IO.OutputFile.WriteAllText(path, JsonSerializer.Serialize(file, s_json));
    }

    /// <summary>Reads a split written by <see cref="Save"/>; a malformed file is a <see cref="DatasetException"/>.</summary>
    public static DatasetSplit Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, "split file not found");
        }

        SplitFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SplitFile>(File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new DatasetException(path, $"not a split file: {e.Message}", e);
        }

        if (file?.Train is null || file.Val is null || file.Strategy is null || !file.Train.IsComplete || !file.Val.IsComplete)
        {
            throw new DatasetException(path, "not a split file: needs strategy, seed, train and val with indices, ids and groups of equal length");
        }

        return new DatasetSplit(file.Train.Indices!, file.Val.Indices!, file.Seed, file.Strategy,
            file.Train.Ids!, file.Val.Ids!, file.Train.Groups!, file.Val.Groups!);
    }

    /// <summary>
    /// The two parts over <paramref name="ds"/>, found by sample id rather than index, so the
    /// split still holds if files were added or the listing order changed.
    /// </summary>
    public (SubsetDataset Train, SubsetDataset Val) Apply(ISegmentationDataset ds)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var indexById = new Dictionary<string, int>(ds.Count, StringComparer.Ordinal);
        for (int i = 0; i < ds.Count; i++)
        {
            indexById.TryAdd(ds.Describe(i).Id, i);
        }

        int[] Resolve(string[] ids) => ids.Select(id => indexById.TryGetValue(id, out int i)
            ? i
            : throw new ArgumentException($"the split names sample '{id}', which {ds.Name} does not have", nameof(ds))).ToArray();

        return (new SubsetDataset(ds, Resolve(TrainIds)), new SubsetDataset(ds, Resolve(ValIds)));
    }

    // The file shape: per part, parallel lists, so a person can read the ids without the indices.
    private sealed record SplitFile(string? Strategy, int Seed, SplitPart? Train, SplitPart? Val);

    private sealed record SplitPart(int[]? Indices, string[]? Ids, string[]? Groups)
    {
        [JsonIgnore]
        public bool IsComplete => Indices is not null && Ids is not null && Groups is not null && Indices.Length == Ids.Length;
    }
}
