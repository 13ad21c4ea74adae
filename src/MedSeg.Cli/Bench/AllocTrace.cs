using System.Diagnostics.Tracing;
namespace MedSeg.Cli.Bench;
public sealed class AllocTrace : EventListener
{
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Bytes = new();
    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }
    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != "GCAllocationTick_V4" || e.Payload == null) return;
        string type = e.Payload[e.PayloadNames!.IndexOf("TypeName")]?.ToString() ?? "?";
        long amount = Convert.ToInt64(e.Payload[e.PayloadNames!.IndexOf("AllocationAmount64")]);
        Bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
