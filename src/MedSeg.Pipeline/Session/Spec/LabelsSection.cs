using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>sinks.labels</c>: the OpenIGTLink label sender.</summary>
public sealed class LabelsSection
{
    [YamlMember(Order = 0, Description = "Send each predicted label map back as an IMAGE message to every igtl:// stream's server (default false; needs an igtl:// source)")]
    public bool Enabled { get; set; }
}
