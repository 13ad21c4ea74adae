namespace MedSeg.Core.Frames;

/// <summary>
/// The display colour of each class id, one palette for everything that draws classes: the live
/// overlay, the colours written into session headers (so <c>medseg video</c> shows a session as the
/// window did), and the eval sample grid.
/// </summary>
public static class ClassPalette
{
    /// <summary>Entries 0..Count−1; 0 is the background (never drawn, black here).</summary>
    public const int Count = 16;

    // 0xRRGGBB; ids 1–9 are the keyboard-toggled classes, so they get the most distinct hues.
    private static ReadOnlySpan<uint> Rgb =>
    [
        0x000000, 0xE6194B, 0x3CB44B, 0x4363D8, 0xFFE119, 0xF58231, 0x911EB4, 0x42D4F4,
        0xF032E6, 0xBFEF45, 0xFABED4, 0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000,
    ];

    /// <summary>Colour of <paramref name="classId"/>; ids past the palette repeat 1..Count−1 (never the background's).</summary>
    public static (byte R, byte G, byte B) For(int classId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        uint rgb = Rgb[classId < Count ? classId : 1 + (classId - 1) % (Count - 1)];
        return ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    }
}
