using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sinks</c>: statistics always; recorder, label sender and view when enabled.</summary>
public sealed class SinksSection
{
    [YamlMember(Order = 0, Description = "Latency per stage, per stream and in total")]
    public StatsSection Stats { get; set; } = new();

    [YamlMember(Order = 1, Description = "Session recording (MessagePack, recordings/FORMAT.md), one file per stream; never drops a frame")]
    public RecorderSection Recorder { get; set; } = new();

    [YamlMember(Order = 2, Description = "OpenIGTLink label maps sent back to the server each igtl:// stream came from")]
    public LabelsSection Labels { get; set; } = new();

    [YamlMember(Order = 3, Description = "On-screen overlay: one render mailbox per stream (latest frame wins, never blocks)")]
    public ViewSection View { get; set; } = new();

    internal void Validate(int streams)
    {
        (Stats ?? throw new ArgumentNullException("sinks.stats")).Validate();
        (Recorder ?? throw new ArgumentNullException("sinks.recorder")).Validate(streams);
        ArgumentNullException.ThrowIfNull(Labels, "sinks.labels");
        (View ?? throw new ArgumentNullException("sinks.view")).Validate();
    }
}
