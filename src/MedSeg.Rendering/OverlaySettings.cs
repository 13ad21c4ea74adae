using System.Numerics;

namespace MedSeg.Rendering;

/// <summary>
/// What the overlay shows: mode, opacity, which classes, their colours and the image window.
/// </summary>
/// <remarks>Mutable, read by the renderer each draw and changed by the viewer's key commands;
/// both run on the GL thread, so no locking.</remarks>
public sealed class OverlaySettings
{
    /// <summary>Class ids 0..15 are drawn (0 = background, never); larger ids are left undrawn.</summary>
    public const int MaxClasses = 16;
    private readonly Vector3[] _colors = new Vector3[MaxClasses];
    private float _opacity = 0.5f;

    public OverlaySettings()
    {
        // RGB in 0..1; 1..9 are the keyboard-toggled classes, so they get the most distinct hues.
        ReadOnlySpan<uint> palette =
        [
            0x000000, 0xE6194B, 0x3CB44B, 0x4363D8, 0xFFE119, 0xF58231, 0x911EB4, 0x42D4F4,
            0xF032E6, 0xBFEF45, 0xFABED4, 0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000,
        ];
        for (int i = 0; i < MaxClasses; i++) _colors[i] = FromRgb(palette[i]);
    }

    public OverlayMode Mode { get; set; } = OverlayMode.Filled;

    /// <summary>Overlay opacity 0..1 (filled and heat map; contours are opaque).</summary>
    public float Opacity
    {
        get => _opacity;
        set => _opacity = Math.Clamp(value, 0f, 1f);
    }

    /// <summary>Bit c set = class c drawn. All on by default.</summary>
    public uint VisibleClasses { get; set; } = uint.MaxValue;

    /// <summary>Display window in raw units; null = the format's full range (8-bit 0..255, 16-bit 0..65535, signed −32768..32767, float 0..1).</summary>
    public WindowLevel? Window { get; set; }

    /// <summary>Colours (RGB, 0..1) by class id.</summary>
    public ReadOnlySpan<Vector3> ClassColors => _colors;

    public void SetClassColor(int classId, byte r, byte g, byte b)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classId, MaxClasses);
        _colors[classId] = new Vector3(r, g, b) / 255f;
    }

    public bool IsClassVisible(int classId) => classId is > 0 and < MaxClasses && (VisibleClasses & (1u << classId)) != 0;

    public void ToggleClass(int classId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classId, MaxClasses);
        VisibleClasses ^= 1u << classId;
    }

    public void CycleMode() => Mode = (OverlayMode)(((int)Mode + 1) % (Enum.GetValues<OverlayMode>().Length));

    private static Vector3 FromRgb(uint rgb) => new Vector3((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF) / 255f;
}
