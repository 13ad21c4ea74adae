using System.Numerics;
using MedSeg.Core.Frames;

namespace MedSeg.Rendering;

/// <summary>
/// What the overlay shows: mode, opacity, which classes, their colours and the image window.
/// </summary>
/// <remarks>Mutable, read by the renderer each draw and changed by the viewer's key commands;
/// both run on the GL thread, so no locking.</remarks>
public sealed class OverlaySettings
{
    /// <summary>Class ids 0..15 are drawn (0 = background, never); larger ids are left undrawn.</summary>
    public const int MaxClasses = ClassPalette.Count;
    private readonly Vector3[] _colors = new Vector3[MaxClasses];
    private float _opacity = 0.5f;
    private float _threshold = 0.5f;

    public OverlaySettings()
    {
        // The project's one class palette, so recordings and reports show the colours seen here.
        for (int i = 0; i < MaxClasses; i++)
        {
            var (r, g, b) = ClassPalette.For(i);
            _colors[i] = new Vector3(r, g, b) / 255f;
        }
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

    /// <summary>
    /// Draw a binary mask's edges from the probability map, upsampled bilinearly and thresholded at
    /// <see cref="Threshold"/> in the shader, so a small mask drawn large is smooth (default). Used
    /// only when the frame has probabilities and no class id above 1; otherwise class ids are drawn.
    /// </summary>
    public bool SmoothEdges { get; set; } = true;

    /// <summary>Foreground probability drawn as foreground on the smooth path (≥); set it to the pipeline's threshold.</summary>
    public float Threshold
    {
        get => _threshold;
        set
        {
            if (!(value is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(value), value, "must be in [0, 1]");
            _threshold = value;
        }
    }

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
}
