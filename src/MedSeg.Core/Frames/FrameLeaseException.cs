namespace MedSeg.Core.Frames;

/// <summary>A frame lease was misused: released twice, released after its image went back to the pool, or written after the frame was sealed. A bug in the holder.</summary>
public sealed class FrameLeaseException(string message) : InvalidOperationException(message);
