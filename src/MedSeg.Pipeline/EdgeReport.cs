using System.Threading.Channels;

namespace MedSeg.Pipeline;

/// <summary>Counts of one channel: items written into it and items it dropped (DropOldest edges only).</summary>
public sealed record EdgeReport(string Name, BoundedChannelFullMode Policy, int Capacity, long Written, long Dropped);
