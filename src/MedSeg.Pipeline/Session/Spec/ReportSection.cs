using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary><c>report</c>: what the run leaves behind besides recordings.</summary>
public sealed class ReportSection
{
    [YamlMember(Order = 0, Description = "Write the final report as JSON to this file; empty (default): none")]
    public string? Path { get; set; }

    [YamlMember(Order = 1, Description = "Print a status line every second (default true)")]
    public bool Status { get; set; } = true;

    internal void Validate()
    {
        if (Path is { Length: 0 }) throw new ArgumentException("report.path is empty; leave it out for no report", "report.path");
    }
}
