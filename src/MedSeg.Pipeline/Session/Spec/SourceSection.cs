using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sources[i]</c>: one stream.</summary>
public sealed class SourceSection
{
    [YamlMember(Order = 0, Description = "synthetic:lesion|lungs|mri?fps=25&frames=N&size=128&seed=1&loop=N, dicom:DIR|FILE, nifti:FILE?axis=z, tiff:FILE|DIR, folder:DIR, video:FILE|INDEX|URL, igtl://host:port, recording:FILE?speed=1|fps=N|max=1&repeat=1&frames=N")]
    public string Uri { get; set; } = "synthetic:lesion?fps=25&frames=500";

    [YamlMember(Order = 1, Description = "Edge policy of this stream. auto (default): live sources (synthetic, video, igtl) drop their oldest frame when behind, replays (dicom, nifti, tiff, folder, recording) wait | newest | all")]
    public string Mode { get; set; } = "auto";

    internal void Validate(int index)
    {
        if (string.IsNullOrWhiteSpace(Uri)) throw new ArgumentException($"sources[{index}].uri is empty", $"sources[{index}].uri");
        _ = SpecWords.Mode(Mode, $"sources[{index}].mode");
    }
}
