using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sinks.view</c>: the overlay viewer (MedSeg.Rendering, run by the CLI on the GL thread).</summary>
public sealed class ViewSection
{
    [YamlMember(Order = 0, Description = "none (default) | auto (a window when a display answers, else headless) | window | headless")]
    public string Kind { get; set; } = "none";

    [YamlMember(Order = 1, Description = "Folder for overlay snapshots, screenshots and the video (default out/view)")]
    public string Out { get; set; } = "out/view";

    [YamlMember(Order = 2, Description = "Save an overlay PNG every N frames (default 50; 0 = never)")]
    public int SnapshotEvery { get; set; } = 50;

    [YamlMember(Order = 3, Description = "MP4 of the overlay, in the out folder (default overlay.mp4); empty: no video")]
    public string? Video { get; set; } = "overlay.mp4";

    [YamlMember(Order = 4, Description = "Frame rate of the video (default 25)")]
    public double VideoFps { get; set; } = 25;

    /// <summary>True when a viewer is to be run.</summary>
    [YamlIgnore, System.Text.Json.Serialization.JsonIgnore]
    public bool Enabled => SpecWords.ViewKind(Kind) != "none";

    internal void Validate()
    {
        _ = SpecWords.ViewKind(Kind);
        if (string.IsNullOrWhiteSpace(Out)) throw new ArgumentException("sinks.view.out is empty", "sinks.view.out");
        if (SnapshotEvery < 0) throw new ArgumentOutOfRangeException("sinks.view.snapshotEvery", SnapshotEvery, "must be ≥ 0");
        if (!(VideoFps > 0)) throw new ArgumentOutOfRangeException("sinks.view.videoFps", VideoFps, "must be > 0");
    }
}
