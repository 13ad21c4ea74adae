namespace MedSeg.Core.Frames;

/// <summary>A frame lease was released twice, or released after its image went back to the pool: a bug in the holder.</summary>
public sealed class FrameLeaseException(string message) : InvalidOperationException(message);
