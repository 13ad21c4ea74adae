namespace MedSeg.Model.Training;

/// <summary>A label map at the resolution it was stored with (class ids, row-major).</summary>
public sealed record NativeMask(byte[] Ids, int Width, int Height);
